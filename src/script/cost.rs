//! What Rhai's built-in functions cost, charged to the run's operation budget.
//!
//! Rhai counts a call of a built-in function as one operation whatever it does, and it counts the
//! operations of a closure called from a built-in (`filter`, `map`, `reduce`, `sort` with a
//! closure, `call`) on a copy of its counter that is thrown away when the closure returns. Both
//! let a script that stays within its budget run for minutes. So:
//!
//! - every operation, wherever Rhai counts it, is counted once more in the run's own counter
//!   ([`CHARGED`](super::CHARGED), through the progress callback), and the budget is checked
//!   against that counter;
//! - the built-ins that copy, build, reorder or print a whole array or map ([`COPYING`]) are
//!   wrapped: before the call the wrapper charges one unit per item of its arguments (arrays and
//!   maps, nested ones included), after it one unit per item it made (of its result, and what
//!   it added to its first argument), and in between it calls Rhai's own function, so the
//!   answer is Rhai's.
//!
//! Strings are not charged by their length: the string functions run through at most 10,000
//! bytes in well under a microsecond, so the operation count bounds them already.

use super::charge;
use rhai::{
    Array, Dynamic, Engine, EvalAltResult, FnPtr, FuncRegistration, Map, Module, NativeCallContext,
    RhaiFunc, Shared,
};
use std::any::TypeId;

/// The built-ins whose work grows with the arrays or maps they are given or make. Every
/// overload that takes an array, a map or any value is charged; left as they are: the others
/// (`+` of numbers or strings), and those that call a closure or a function named by a text
/// (`sort(|a, b| …)`, `retain("keep")`), whose calls count on their own.
pub(super) const COPYING: &[&str] = &[
    // Joining and copying.
    "+",
    "+=",
    "append",
    "extract",
    "pad",
    "chop",
    "drain",
    "retain",
    "splice",
    "split",
    "split_rev",
    "to_chars",
    "mixin",
    "fill_with",
    "keys",
    "values",
    // Reordering.
    "reverse",
    "sort",
    "sort_desc",
    "order",
    "order_desc",
    // Printing a whole array or map.
    "to_string",
    "to_debug",
    "to_json",
    "print",
    "debug",
];

/// Functions that take a string and make an array of its parts: charged for what they make.
const FROM_STRING: &[&str] = &["split", "split_rev", "to_chars"];

/// The items of a value: one per array item and map entry, nested ones included. Walks with a
/// stack of its own, so a deeply nested array cannot exhaust the thread's stack.
pub(super) fn items(value: &Dynamic) -> usize {
    let mut total: usize = 0;
    let mut todo: Vec<Dynamic> = Vec::new();
    let visit = |v: &Dynamic, todo: &mut Vec<Dynamic>, total: &mut usize| {
        if let Some(a) = v.read_lock::<Array>() {
            *total = total.saturating_add(a.len());
            todo.extend(a.iter().filter(|x| x.is_array() || x.is_map()).cloned());
        } else if let Some(m) = v.read_lock::<Map>() {
            *total = total.saturating_add(m.len());
            todo.extend(m.values().filter(|x| x.is_array() || x.is_map()).cloned());
        }
    };
    visit(value, &mut todo, &mut total);
    while let Some(v) = todo.pop() {
        visit(&v, &mut todo, &mut total);
    }
    total
}

/// Whether a parameter of this type can hold an array or a map.
fn holds_items(t: TypeId) -> bool {
    t == TypeId::of::<Array>() || t == TypeId::of::<Map>() || t == TypeId::of::<Dynamic>()
}

/// The engine the wrappers call into: the same packages and limits, without the wrappers.
fn plain() -> &'static Engine {
    static PLAIN: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    PLAIN.get_or_init(|| {
        let mut engine = Engine::new_raw();
        for package in super::allowed_packages() {
            engine.register_global_module(package);
        }
        super::set_limits(&mut engine);
        engine
    })
}

/// A module that replaces every overload of the [`COPYING`] built-ins with one that charges the
/// items it goes through and then calls Rhai's own. Registered after the packages, so that its
/// functions are found first.
pub(super) fn charging_module() -> Module {
    let overloads: Vec<(String, Vec<TypeId>)> = plain().collect_fn_metadata(
        None,
        |f| {
            let name = f.metadata.name.as_str();
            let types = &f.metadata.param_types;
            // A closure, or a text naming a script function (`xs.retain("keep")`), would run
            // in the plain engine, without the exact arithmetic and the counting of this one.
            let calls_script = types.contains(&TypeId::of::<FnPtr>())
                || (types.first() == Some(&TypeId::of::<Array>())
                    && types.contains(&TypeId::of::<rhai::ImmutableString>()));
            let wanted = COPYING.contains(&name)
                && !calls_script
                && (FROM_STRING.contains(&name) || types.iter().any(|t| holds_items(*t)));
            wanted.then(|| (name.to_string(), types.to_vec()))
        },
        true,
    );
    let mut module = Module::new();
    for (name, types) in overloads {
        let called = name.clone();
        let func = move |ctx: Option<NativeCallContext>,
                         args: &mut [&mut Dynamic]|
              -> Result<Dynamic, Box<EvalAltResult>> {
            let given: usize = args.iter().map(|a| items(a)).sum();
            let first = args.first().map_or(0, |a| items(a));
            charge(given)?;
            let (global, pos) = match &ctx {
                Some(ctx) => (ctx.global_runtime_state(), ctx.call_position()),
                None => {
                    return Err(EvalAltResult::ErrorFunctionNotFound(
                        called.clone(),
                        rhai::Position::NONE,
                    )
                    .into());
                }
            };
            let inner = NativeCallContext::from((plain(), called.as_str(), None, global, pos));
            let out = inner.call_native_fn_raw(&called, true, args)?;
            let grown = args.first().map_or(0, |a| items(a)).saturating_sub(first);
            charge(items(&out).saturating_add(grown))?;
            Ok(out)
        };
        module.set_fn_raw_with_options(
            FuncRegistration::new(name).in_global_namespace(),
            &types,
            RhaiFunc::Method {
                func: Shared::new(func),
                has_context: true,
                is_pure: true,
                is_volatile: false,
            },
        );
    }
    // `+=` of two arrays is an operator Rhai runs itself, not a package function.
    module.set_native_fn("+=", |a: &mut Array, b: Array| {
        charge(a.len().saturating_add(b.len()))?;
        a.extend(b);
        Ok(())
    });
    module
}
