//! Embedded Rhai scripts, in a sandbox.
//!
//! A script sees the inputs as exact decimals (a yearly series is a map keyed by the
//! year as text, a list is an array), plus `Y` and any loop variable or parameter in scope. The
//! engine is built from Rhai's calculation packages only: no modules, no `eval`, no clock, no
//! `sleep` or `exit`, no file or network access, and `print` goes nowhere
//! ([`ScriptEngine::unknown_calls`] finds calls to anything else, for lint). Each run gets its
//! own copy of the inputs, so what a script writes into an input map is gone when it ends. Every run is bounded by an operation budget, a call depth, size limits and (a safety net for
//! the copies Rhai makes itself, which no hook sees) a clock, so a
//! careless or hostile script fails its own indicator with a message and never hangs the run.
//! Integer division is exact (`10 / 4` is 2.5), not truncating.
//!
//! Scripts are compiled once, when the rule set is resolved, and shared by every evaluation.

mod cost;

use crate::syntax::ast::Script;
use rhai::{
    AST, Array, Dynamic, Engine, EvalAltResult, INT, Map, NativeCallContext, Position, Scope,
};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The most operations one script run may take.
pub const MAX_OPERATIONS: u64 = 200_000;
/// The deepest call nesting in a script.
pub const MAX_CALL_LEVELS: usize = 32;
/// The longest string a script may build, in bytes.
pub const MAX_STRING: usize = 10_000;
/// The longest array a script may build.
pub const MAX_ARRAY: usize = 10_000;
/// The largest map a script may build.
pub const MAX_MAP: usize = 1_000;
/// The longest script accepted, in bytes.
pub const MAX_SCRIPT_BYTES: usize = 64 * 1024;
/// The longest one script run may take, in seconds: a safety net for work the operation budget
/// cannot see (copies Rhai makes itself, `let ys = xs` of a 10,000-item array). It depends on
/// the machine, so it is set far above what any script within the budget needs (a
/// realistic one runs in milliseconds, the slowest loop of charged built-ins in 0.3 s, release
/// build). A debug build allows ten times as much ([`time_limit`]).
pub const MAX_SECONDS: u64 = 2;
/// How many operations run between two looks at the clock.
const CLOCK_EVERY: u64 = 256;

thread_local! {
    /// The work of the current script run: every operation Rhai counts (also those of closures
    /// that built-ins call, which Rhai counts on a copy of its counter), plus the items that
    /// built-in functions going through a whole array or map compare, copy or make (`contains`,
    /// `in`, `index_of`, `dedup`, `==`, and the functions of [`cost::COPYING`]). Rhai counts
    /// such a call as one operation whatever its length; here it counts against the same
    /// [`MAX_OPERATIONS`] budget. A run happens on one thread from start to end, so a
    /// thread-local counter is the run's own.
    static CHARGED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// When the current script run must end ([`MAX_SECONDS`] after it started; `None` outside a
    /// run), and the value of [`CHARGED`] at which the clock is next read.
    static DEADLINE: std::cell::Cell<(Option<std::time::Instant>, u64)> =
        const { std::cell::Cell::new((None, 0)) };
}

/// Why the progress check stopped a run. Carried as the value of Rhai's `ErrorTerminated`, so
/// that the message is chosen by type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The operation budget is spent.
    Operations,
    /// The run took longer than [`MAX_SECONDS`].
    Time,
}

/// How long one script run may take in this build: [`MAX_SECONDS`], or ten times that in a
/// debug build, which runs scripts three to ten times slower (so that a test spending the
/// operation budget on a loaded machine still meets the budget, not the clock).
fn time_limit() -> std::time::Duration {
    let factor = if cfg!(debug_assertions) { 10 } else { 1 };
    std::time::Duration::from_secs(MAX_SECONDS * factor)
}

/// The progress check of every operation: counts it in the run's own counter and, every
/// [`CLOCK_EVERY`] operations (or charged units), reads the clock.
fn progress() -> Option<Stop> {
    let total = CHARGED.with(|c| {
        let t = c.get().saturating_add(1);
        c.set(t);
        t
    });
    if total > MAX_OPERATIONS {
        return Some(Stop::Operations);
    }
    let (deadline, next) = DEADLINE.with(std::cell::Cell::get);
    if total >= next
        && let Some(deadline) = deadline
    {
        DEADLINE.with(|d| d.set((Some(deadline), total.saturating_add(CLOCK_EVERY))));
        if std::time::Instant::now() >= deadline {
            return Some(Stop::Time);
        }
    }
    None
}

/// Charges `units` of work to the current run; an error when the run's budget is spent.
fn charge(units: usize) -> Result<(), Box<EvalAltResult>> {
    let units = u64::try_from(units).unwrap_or(u64::MAX);
    let total = CHARGED.with(|c| {
        let t = c.get().saturating_add(units);
        c.set(t);
        t
    });
    if total > MAX_OPERATIONS {
        return Err(EvalAltResult::ErrorTooManyOperations(Position::NONE).into());
    }
    Ok(())
}

/// Whether two values are equal by Rhai's `==` (as its own array functions compare: values of
/// different types are unequal, values of one type without `==` are an error).
fn same(
    ctx: &NativeCallContext,
    a: &mut Dynamic,
    b: &mut Dynamic,
) -> Result<bool, Box<EvalAltResult>> {
    match ctx.call_native_fn_raw("==", true, &mut [a, b]) {
        Ok(v) => Ok(v.as_bool().unwrap_or(false)),
        Err(e) => match *e {
            EvalAltResult::ErrorFunctionNotFound(..) if a.type_id() != b.type_id() => Ok(false),
            _ => Err(e),
        },
    }
}

fn index_from(
    ctx: &NativeCallContext,
    array: &mut Array,
    value: &Dynamic,
    start: INT,
) -> Result<INT, Box<EvalAltResult>> {
    let len = array.len();
    let start = if start < 0 {
        len.saturating_sub(usize::try_from(start.unsigned_abs()).unwrap_or(usize::MAX))
    } else {
        usize::try_from(start).unwrap_or(usize::MAX)
    };
    charge(len.saturating_sub(start))?;
    for (i, item) in array.iter_mut().enumerate().skip(start) {
        if same(ctx, item, &mut value.clone())? {
            return Ok(INT::try_from(i).unwrap_or(INT::MAX));
        }
    }
    Ok(-1)
}

fn arrays_equal(
    ctx: &NativeCallContext,
    a: &mut Array,
    mut b: Array,
) -> Result<bool, Box<EvalAltResult>> {
    if a.len() != b.len() {
        return Ok(false);
    }
    charge(a.len())?;
    for (x, y) in a.iter_mut().zip(b.iter_mut()) {
        if !same(ctx, x, y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn maps_equal(
    ctx: &NativeCallContext,
    a: &mut Map,
    mut b: Map,
) -> Result<bool, Box<EvalAltResult>> {
    if a.len() != b.len() {
        return Ok(false);
    }
    charge(a.len())?;
    for (k, x) in a.iter_mut() {
        let Some(y) = b.get_mut(k) else {
            return Ok(false);
        };
        if !same(ctx, x, y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Replaces the built-in functions that compare every item of an array or map with ones that
/// charge the items compared to the run's budget ([`charge`]); they compare as Rhai's do.
fn register_costed(engine: &mut Engine) {
    engine.register_fn(
        "contains",
        |ctx: NativeCallContext, array: &mut Array, value: Dynamic| {
            index_from(&ctx, array, &value, 0).map(|i| i >= 0)
        },
    );
    engine.register_fn(
        "index_of",
        |ctx: NativeCallContext, array: &mut Array, value: Dynamic| {
            index_from(&ctx, array, &value, 0)
        },
    );
    engine.register_fn(
        "index_of",
        |ctx: NativeCallContext, array: &mut Array, value: Dynamic, start: INT| {
            index_from(&ctx, array, &value, start)
        },
    );
    engine.register_fn("dedup", |ctx: NativeCallContext, array: &mut Array| {
        charge(array.len())?;
        let mut out: Array = Vec::with_capacity(array.len());
        for mut item in std::mem::take(array) {
            let dup = match out.last_mut() {
                Some(last) => same(&ctx, last, &mut item)?,
                None => false,
            };
            if !dup {
                out.push(item);
            }
        }
        *array = out;
        Ok::<(), Box<EvalAltResult>>(())
    });
    engine.register_fn("==", |ctx: NativeCallContext, a: &mut Array, b: Array| {
        arrays_equal(&ctx, a, b)
    });
    engine.register_fn("!=", |ctx: NativeCallContext, a: &mut Array, b: Array| {
        arrays_equal(&ctx, a, b).map(|e| !e)
    });
    engine.register_fn("==", |ctx: NativeCallContext, a: &mut Map, b: Map| {
        maps_equal(&ctx, a, b)
    });
    engine.register_fn("!=", |ctx: NativeCallContext, a: &mut Map, b: Map| {
        maps_equal(&ctx, a, b).map(|e| !e)
    });
}

/// Why a script failed to compile or to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// Which kind of failure it is.
    pub kind: ScriptErrorKind,
    /// What went wrong, in Chinese.
    pub message: String,
    /// Byte offset within the script's code.
    pub offset: usize,
}

/// The kinds of [`ScriptError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptErrorKind {
    /// The script is too long, or cannot be compiled.
    Compile,
    /// The run spent its operation budget ([`MAX_OPERATIONS`]).
    Operations,
    /// The run took longer than [`MAX_SECONDS`].
    Time,
    /// Calls nested deeper than [`MAX_CALL_LEVELS`].
    CallDepth,
    /// A string, array or map past its size limit.
    TooLarge,
    /// Anything else: arithmetic, a missing function or variable, an error the script raised.
    Other,
}

/// The shared, sandboxed engine and the scripts compiled with it.
pub struct ScriptEngine {
    /// Built when the first script is compiled: most rule files have none, and building the
    /// engine costs about as much as resolving the rest of a rule file.
    engine: std::sync::OnceLock<Engine>,
    inputs: Vec<String>,
    compiled: RwLock<HashMap<usize, Arc<AST>>>,
    /// How long one run may take ([`time_limit`]; shorter in some tests).
    time_limit: std::time::Duration,
}

impl std::fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptEngine")
            .field("inputs", &self.inputs.len())
            .finish()
    }
}

/// Why the arithmetic of a script stopped. Carried as the value of a runtime error, so that the
/// message is chosen by type, not by reading Rhai's English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    DivisionByZero,
    Overflow,
}

fn fault(f: Fault) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(Dynamic::from(f), Position::NONE).into()
}

fn div_exact(a: INT, b: INT) -> Result<Decimal, Box<EvalAltResult>> {
    div_dec(Decimal::from(a), Decimal::from(b))
}

fn div_dec(a: Decimal, b: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    if b.is_zero() {
        return Err(fault(Fault::DivisionByZero));
    }
    a.checked_div(b).ok_or_else(|| fault(Fault::Overflow))
}

fn rem_dec(a: Decimal, b: Decimal) -> Result<Decimal, Box<EvalAltResult>> {
    if b.is_zero() {
        return Err(fault(Fault::DivisionByZero));
    }
    a.checked_rem(b).ok_or_else(|| fault(Fault::Overflow))
}

fn rem_int(a: INT, b: INT) -> Result<INT, Box<EvalAltResult>> {
    if b == 0 {
        return Err(fault(Fault::DivisionByZero));
    }
    a.checked_rem(b).ok_or_else(|| fault(Fault::Overflow))
}

/// Registers checked arithmetic on decimals and integers (each mix of the two) that stops with a
/// typed [`Fault`] instead of Rhai's built-in operators and their English messages.
fn register_arithmetic(engine: &mut Engine) {
    type Op<T> = fn(T, T) -> Option<T>;
    fn dec(
        engine: &mut Engine,
        name: &str,
        op: fn(Decimal, Decimal) -> Result<Decimal, Box<EvalAltResult>>,
    ) {
        engine.register_fn(name, op);
        engine.register_fn(name, move |a: Decimal, b: INT| op(a, Decimal::from(b)));
        engine.register_fn(name, move |a: INT, b: Decimal| op(Decimal::from(a), b));
    }
    let checked: [(&str, Op<Decimal>, Op<INT>); 3] = [
        ("+", Decimal::checked_add, INT::checked_add),
        ("-", Decimal::checked_sub, INT::checked_sub),
        ("*", Decimal::checked_mul, INT::checked_mul),
    ];
    for (name, d, i) in checked {
        engine.register_fn(name, move |a: Decimal, b: Decimal| {
            d(a, b).ok_or_else(|| fault(Fault::Overflow))
        });
        engine.register_fn(name, move |a: Decimal, b: INT| {
            d(a, Decimal::from(b)).ok_or_else(|| fault(Fault::Overflow))
        });
        engine.register_fn(name, move |a: INT, b: Decimal| {
            d(Decimal::from(a), b).ok_or_else(|| fault(Fault::Overflow))
        });
        engine.register_fn(name, move |a: INT, b: INT| {
            i(a, b).ok_or_else(|| fault(Fault::Overflow))
        });
    }
    dec(engine, "/", div_dec);
    dec(engine, "%", rem_dec);
    engine.register_fn("/", div_exact);
    engine.register_fn("%", rem_int);
}

/// The limits of every script run (the operation budget is also checked against
/// [`CHARGED`]).
fn set_limits(engine: &mut Engine) {
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(MAX_STRING)
        .set_max_array_size(MAX_ARRAY)
        .set_max_map_size(MAX_MAP);
}

/// The Rhai packages the sandbox is built from.
fn allowed_packages() -> Vec<rhai::Shared<rhai::Module>> {
    use rhai::packages::{
        ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage,
        BasicMapPackage, BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage,
        Package,
    };
    vec![
        ArithmeticPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicStringPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
        BasicIteratorPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
        BasicFnPackage::new().as_shared_module(),
    ]
}

/// Names Rhai handles itself rather than as registered functions.
const LANGUAGE_FUNCTIONS: &[&str] = &[
    "type_of",
    FN_PTR,
    "call",
    "curry",
    "is_shared",
    "is_def_var",
    "is_def_fn",
    "print",
    "debug",
];

/// Rhai's keyword for a function pointer: `Fn("name")`.
const FN_PTR: &str = "Fn";

/// A call in a script to a function the sandbox does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCall {
    /// The function's name.
    pub name: String,
    /// Byte offset of the call within the script's code.
    pub offset: usize,
    /// Length in bytes of the text naming the function.
    pub len: usize,
}

impl ScriptEngine {
    /// A sandboxed engine for scripts that may read the given inputs.
    pub fn new(inputs: Vec<String>) -> ScriptEngine {
        ScriptEngine {
            engine: std::sync::OnceLock::new(),
            inputs,
            compiled: RwLock::new(HashMap::new()),
            time_limit: time_limit(),
        }
    }

    /// The sandboxed engine, built on first use.
    fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            // Only the packages a scoring script needs: arithmetic (with exact decimals),
            // logic, strings, ranges, arrays, maps, maths and function pointers. Left out on
            // purpose: the language core (`sleep`, `exit`, `parse_json`), debugging
            // (`back_trace`), blobs, bit fields and the clock (off by the `no_time` feature).
            let mut engine = Engine::new_raw();
            for package in allowed_packages() {
                engine.register_global_module(package);
            }
            // After the packages, so that its charging built-ins are found first.
            engine.register_global_module(Arc::new(cost::charging_module()));
            set_limits(&mut engine);
            engine
                .set_strict_variables(true)
                .set_fast_operators(false)
                .set_optimization_level(rhai::OptimizationLevel::Simple);
            engine.disable_symbol("eval");
            engine.on_print(|_| {});
            engine.on_debug(|_, _, _| {});
            register_arithmetic(&mut engine);
            register_costed(&mut engine);
            // Every operation counts once in the run's own counter, also those of a closure
            // that a built-in calls (Rhai counts them on a copy it throws away), and together
            // with the work charged by the built-ins, against one budget.
            // The clock is read too, every few hundred operations, so that work the budget
            // cannot see still ends ([`MAX_SECONDS`]).
            engine.on_progress(|_| progress().map(Dynamic::from));
            engine
        })
    }

    fn compile_scope(&self, extra: &[&str]) -> Scope<'static> {
        let mut scope = Scope::new();
        for name in self
            .inputs
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied())
            .chain(["Y"])
        {
            // Plain variables, not constants: the optimiser would fold a constant's placeholder
            // value into the compiled script.
            scope.push_dynamic(name.to_string(), Dynamic::UNIT);
        }
        scope
    }

    /// Compiles a script and keeps it for later runs. `extra` names the variables in scope
    /// besides the inputs and `Y`.
    pub fn compile(&self, script: &Script, extra: &[&str]) -> Result<(), ScriptError> {
        if script.code.len() > MAX_SCRIPT_BYTES {
            return Err(ScriptError {
                kind: ScriptErrorKind::Compile,
                message: format!("脚本过长（上限 {MAX_SCRIPT_BYTES} 字节）"),
                offset: 0,
            });
        }
        let scope = self.compile_scope(extra);
        match self.engine().compile_with_scope(&scope, &script.code) {
            Ok(ast) => {
                let mut map = self.compiled.write().unwrap_or_else(|p| p.into_inner());
                map.insert(script.code_offset, Arc::new(ast));
                Ok(())
            }
            Err(e) => Err(ScriptError {
                kind: ScriptErrorKind::Compile,
                message: parse_error_text(&e),
                offset: offset_of(&script.code, e.position()),
            }),
        }
    }

    /// The calls in a compiled script to functions that neither the sandbox nor the script
    /// itself defines (`sleep(1)`, `timestamp()`, `open_file("x")`, `Fn("sleep")`): they would
    /// fail when the script runs. Empty for a script that was not compiled.
    pub fn unknown_calls(&self, script: &Script) -> Vec<UnknownCall> {
        let ast = {
            let map = self.compiled.read().unwrap_or_else(|p| p.into_inner());
            map.get(&script.code_offset).cloned()
        };
        let Some(ast) = ast else {
            return Vec::new();
        };
        let mut known: std::collections::HashSet<String> = self
            .engine()
            .collect_fn_metadata(None, |f| Some(f.metadata.name.to_string()), true)
            .into_iter()
            .collect();
        known.extend(ast.iter_functions().map(|f| f.name.to_string()));
        known.extend(LANGUAGE_FUNCTIONS.iter().map(|k| (*k).to_string()));
        let mut out = Vec::new();
        let mut flag = |name: &str, pos: Position, len: usize| {
            let is_name = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
            if is_name && !known.contains(name) {
                out.push(UnknownCall {
                    name: name.to_string(),
                    offset: offset_of(&script.code, pos),
                    len,
                });
            }
        };
        ast.walk(&mut |path: &[rhai::ASTNode]| {
            use rhai::Expr;
            let call = match path.last() {
                Some(rhai::ASTNode::Expr(
                    Expr::FnCall(call, pos) | Expr::MethodCall(call, pos),
                )) => Some((call, pos)),
                Some(rhai::ASTNode::Stmt(rhai::Stmt::FnCall(call, pos))) => Some((call, pos)),
                _ => None,
            };
            // `Fn("name")` with a literal name is folded into a constant when compiled.
            if let Some(rhai::ASTNode::Expr(Expr::DynamicConstant(d, pos))) = path.last()
                && let Some(f) = d.read_lock::<rhai::FnPtr>()
            {
                flag(f.fn_name(), *pos, f.fn_name().len() + "Fn(\"\")".len());
            }
            if let Some((call, pos)) = call {
                if call.op_token.is_none() {
                    flag(&call.name, *pos, call.name.len());
                }
                // `Fn("name")` names a function by a string.
                if call.name == FN_PTR
                    && let [Expr::StringConstant(target, at)] = call.args.as_slice()
                {
                    flag(target, *at, target.len() + 2);
                }
            }
            true
        });
        out.sort_by_key(|c| c.offset);
        out.dedup();
        out
    }

    /// The inputs a script mentions (by name, outside strings and comments).
    pub fn inputs_read(&self, script: &Script) -> Vec<String> {
        let words = identifiers(&script.code);
        self.inputs
            .iter()
            .filter(|i| words.contains(i.as_str()))
            .cloned()
            .collect()
    }

    /// Runs a compiled script with the given variables.
    pub fn run(
        &self,
        script: &Script,
        vars: Vec<(String, Dynamic)>,
    ) -> Result<Dynamic, ScriptError> {
        let mut scope = Scope::new();
        for (name, value) in vars {
            scope.push_constant_dynamic(name, value);
        }
        self.run_in(script, &mut scope)
    }

    /// Runs a compiled script with the variables of `scope` (which it may add to: rewind it
    /// afterwards to reuse it).
    pub fn run_in(&self, script: &Script, scope: &mut Scope) -> Result<Dynamic, ScriptError> {
        let ast = {
            let map = self.compiled.read().unwrap_or_else(|p| p.into_inner());
            map.get(&script.code_offset).cloned()
        };
        let Some(ast) = ast else {
            return Err(ScriptError {
                kind: ScriptErrorKind::Compile,
                message: "脚本未能编译".into(),
                offset: 0,
            });
        };
        let engine = self.engine();
        CHARGED.with(|c| c.set(0));
        let deadline = std::time::Instant::now() + self.time_limit;
        DEADLINE.with(|d| d.set((Some(deadline), CLOCK_EVERY)));
        let result = engine.eval_ast_with_scope::<Dynamic>(scope, &ast);
        DEADLINE.with(|d| d.set((None, 0)));
        result.map_err(|e| ScriptError {
            kind: eval_error_kind(&e),
            message: eval_error_text(&e),
            offset: offset_of(&script.code, e.position()),
        })
    }
}

fn parse_error_text(e: &rhai::ParseError) -> String {
    use rhai::ParseErrorType as P;
    match e.err_type() {
        P::VariableUndefined(name) => {
            format!("未声明的名称“{name}”（脚本只能读取已声明的输入项和 Y）")
        }
        P::FnMissingParams(_) | P::FnMissingBody(_) => format!("函数定义不完整：{e}"),
        P::UnknownOperator(op) => format!("无法识别的运算符“{op}”"),
        P::Reserved(word) => {
            format!("“{word}”是保留字，脚本中不能使用（脚本没有模块、文件、时钟和 eval）")
        }
        P::BadInput(rhai::LexError::ImproperSymbol(word, _)) => {
            format!("脚本中不能使用“{word}”（脚本没有模块、文件、时钟和 eval）")
        }
        P::MissingToken(token, _) => format!("这里缺少“{token}”"),
        P::MissingSymbol(symbol) => format!("这里缺少“{symbol}”"),
        P::UnexpectedEOF => "脚本没写完就结束了（缺少后半部分或右括号）".to_string(),
        P::BadInput(_) => "脚本中有无法识别的符号或写法".to_string(),
        P::DuplicatedProperty(name) => format!("映射里的键“{name}”重复"),
        P::DuplicatedVariable(name) => format!("参数名“{name}”重复"),
        P::FnDuplicatedDefinition(name, _) => format!("函数“{name}”定义了两次"),
        P::VariableExists(name) => format!("名称“{name}”已经存在"),
        P::AssignmentToConstant(name) => format!("“{name}”是只读的，不能赋值"),
        // The rest carry only English detail: the place is shown, the wording is ours.
        _ => "脚本写法有误".to_string(),
    }
}

/// Which limit stopped a run that the progress check ended (`ErrorTerminated` comes only from
/// there).
fn stop_of(v: &Dynamic) -> Stop {
    v.clone().try_cast::<Stop>().unwrap_or(Stop::Operations)
}

fn eval_error_kind(e: &EvalAltResult) -> ScriptErrorKind {
    use EvalAltResult as R;
    use ScriptErrorKind as K;
    match e {
        R::ErrorTooManyOperations(_) => K::Operations,
        R::ErrorTerminated(v, _) => match stop_of(v) {
            Stop::Operations => K::Operations,
            Stop::Time => K::Time,
        },
        R::ErrorStackOverflow(_) => K::CallDepth,
        R::ErrorDataTooLarge(..) => K::TooLarge,
        R::ErrorInFunctionCall(_, _, inner, _) => eval_error_kind(inner),
        _ => K::Other,
    }
}

fn eval_error_text(e: &EvalAltResult) -> String {
    use EvalAltResult as R;
    match e {
        R::ErrorTerminated(v, _) if stop_of(v) == Stop::Time => {
            format!(
                "脚本运行超过 {} 秒上限（计算量过大，请简化脚本）",
                time_limit().as_secs()
            )
        }
        // `Terminated` otherwise comes from the progress check when charged work spent the
        // budget.
        R::ErrorTooManyOperations(_) | R::ErrorTerminated(..) => {
            format!("脚本运行超过 {MAX_OPERATIONS} 步上限（可能是死循环）")
        }
        R::ErrorStackOverflow(_) => {
            format!("脚本调用层数超过 {MAX_CALL_LEVELS} 层上限（可能是无限递归）")
        }
        // Rhai says which limit only in English text: all three are named.
        R::ErrorDataTooLarge(..) => format!(
            "脚本生成的数据过大（上限：字符串 {MAX_STRING} 字节，数组 {MAX_ARRAY} 项，映射 {MAX_MAP} 项）"
        ),
        R::ErrorVariableNotFound(name, _) => format!("脚本读取了不存在的名称“{name}”"),
        R::ErrorRuntime(v, _) => match v.clone().try_cast::<Fault>() {
            Some(Fault::DivisionByZero) => "脚本计算出错：除数为零".to_string(),
            Some(Fault::Overflow) => "脚本计算出错：数值超出范围".to_string(),
            None => format!("脚本报错：{v}"),
        },
        // Arithmetic not registered above (powers, shifts): Rhai's reason is English text.
        R::ErrorArithmetic(..) => {
            "脚本计算出错：这一步运算无法完成（如除数为零、数值超出范围、负数次幂）".to_string()
        }
        R::ErrorFunctionNotFound(sig, _) => format!("脚本调用了不存在的函数“{sig}”"),
        R::ErrorInFunctionCall(_, _, inner, _) => eval_error_text(inner),
        other => format!("脚本运行出错：{other}"),
    }
}

/// Byte offset in `code` of a Rhai position (1-based line, 1-based character column).
fn offset_of(code: &str, pos: Position) -> usize {
    let (Some(line), col) = (pos.line(), pos.position().unwrap_or(1)) else {
        return 0;
    };
    let mut offset = 0;
    for (i, l) in code.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within: usize = l
                .chars()
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + within;
        }
        offset += l.len();
    }
    code.len()
}

/// The identifiers in a piece of Rhai code, skipping strings and comments. Works on bytes, so
/// text that is not ASCII (a Chinese name or string) never lands it inside a character.
fn identifiers(code: &str) -> std::collections::HashSet<&str> {
    let mut out = std::collections::HashSet::new();
    let b = code.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let rest = |i: usize| b.get(i..).unwrap_or_default();
    let mut i = 0;
    while let Some(c) = at(i) {
        if c == b'"' || c == b'`' || c == b'\'' {
            i += 1;
            while let Some(d) = at(i).filter(|d| *d != c) {
                if d == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if rest(i).starts_with(b"//") {
            while at(i).is_some_and(|d| d != b'\n') {
                i += 1;
            }
        } else if rest(i).starts_with(b"/*") {
            i = rest(i + 2)
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |j| i + 2 + j + 2);
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while at(i).is_some_and(|d| d.is_ascii_alphanumeric() || d == b'_') {
                i += 1;
            }
            if let Some(word) = code.get(start..i) {
                out.insert(word);
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(code: &str) -> Script {
        Script {
            code: code.into(),
            code_offset: 0,
        }
    }

    fn run(code: &str) -> Result<Dynamic, ScriptError> {
        let e = ScriptEngine::new(vec!["a".into()]);
        let s = script(code);
        e.compile(&s, &[])?;
        e.run(
            &s,
            vec![
                ("a".into(), Dynamic::from_decimal(Decimal::from(3))),
                ("Y".into(), Dynamic::from_int(2024)),
            ],
        )
    }

    #[test]
    fn integer_division_is_exact() {
        let v = run("10 / 4").unwrap();
        assert_eq!(v.as_decimal().unwrap(), Decimal::new(25, 1));
    }

    #[test]
    fn decimal_literals_are_exact() {
        let v = run("0.1 + 0.2 == 0.3").unwrap();
        assert!(v.as_bool().unwrap());
    }

    /// Arithmetic faults are told apart by a typed value (`Fault`), and every message is Chinese
    /// whatever the mix of decimals and integers.
    #[test]
    fn arithmetic_faults_are_named_by_type() {
        let zero = [
            "a / 0",
            "a / (a - a)",
            "7 / 0",
            "7 % 0",
            "a % 0",
            "1 / (a - 3)",
        ];
        for code in zero {
            let e = run(code).unwrap_err();
            assert_eq!(e.message, "脚本计算出错：除数为零", "{code}");
        }
        let big = [
            "9223372036854775807 + 1",
            "let x = 9223372036854775807; x * 2",
            "-9223372036854775807 - 2",
            "let d = 79228162514264337593543950335 / 1; d + d",
            "let d = 79228162514264337593543950335 / 1; d * a",
            "let d = 79228162514264337593543950335 / 1; 2 * d",
        ];
        for code in big {
            let e = run(code).unwrap_err();
            assert_eq!(e.message, "脚本计算出错：数值超出范围", "{code}");
        }
        // Exact results are unchanged.
        assert_eq!(
            run("a * 2 + 1").unwrap().as_decimal().unwrap(),
            Decimal::from(7)
        );
        assert_eq!(run("7 % 4").unwrap().as_int().unwrap(), 3);
        assert_eq!(run("a % 2").unwrap().as_decimal().unwrap(), Decimal::ONE);
    }

    /// A script error never shows Rhai's English text.
    #[test]
    fn script_errors_are_in_chinese() {
        for code in [
            "let = 1",
            "1 +",
            "(1 + 2",
            "let s = \"x\"; loop { s += s; }",
            "2 ** -1",
        ] {
            let e = run(code).unwrap_err();
            assert!(
                !e.message.chars().any(|c| c.is_ascii_alphabetic()),
                "{code}: {}",
                e.message
            );
        }
    }

    #[test]
    fn endless_loop_is_stopped() {
        let e = run("loop { }").unwrap_err();
        assert_eq!(e.kind, ScriptErrorKind::Operations);
        assert!(e.message.contains("步上限"), "{}", e.message);
    }

    /// Issue 16.7: the copies Rhai makes itself (`let ys = xs`, passing an array to a function
    /// the script defines or to `call`) are not charged, so looping one of a 10,000-item array to
    /// the operation limit took up to 19 s (release build; over a minute in a debug build). The
    /// clock now stops such a run at the time limit; without it each of these ends at the
    /// operation limit. The limit is shortened to one second here to keep the test quick.
    #[test]
    fn copies_rhai_makes_itself_stop_at_the_time_limit() {
        let mut e = ScriptEngine::new(vec![]);
        e.time_limit = std::time::Duration::from_secs(1);
        // The array is given as an input, not built by the script, so that on a loaded machine
        // the clock cannot run out before the loop starts.
        let build = "fn f(a) { 0 } let g = Fn(\"f\");";
        let xs: rhai::Array = (0..10_000)
            .map(|i| Dynamic::from_decimal(rust_decimal::Decimal::from(i)))
            .collect();
        for step in ["let ys = xs", "f(xs)", "g.call(xs)"] {
            let s = script(&format!("{build}\nloop {{ {step}; }}"));
            e.compile(&s, &["xs"]).unwrap();
            let started = std::time::Instant::now();
            let err = e
                .run(
                    &s,
                    vec![
                        ("Y".into(), Dynamic::from_int(2024)),
                        ("xs".into(), Dynamic::from_array(xs.clone())),
                    ],
                )
                .unwrap_err();
            assert_eq!(err.kind, ScriptErrorKind::Time, "{step}: {}", err.message);
            assert_eq!(
                err.message,
                format!(
                    "脚本运行超过 {} 秒上限（计算量过大，请简化脚本）",
                    time_limit().as_secs()
                )
            );
            // Loosely: the run ends soon after the limit (the clock is read every few hundred
            // operations), however slow the build.
            assert!(started.elapsed().as_secs() < 20, "{step}");
            // The place is in the loop, so the message can name the rule file's line.
            assert!(err.offset > build.len(), "{step}: {}", err.offset);
        }
        // A short run is not stopped by the clock, and one run's clock does not carry over
        // into the next.
        let s = script("let n = 0; for i in 0..1000 { n += i } n");
        e.compile(&s, &[]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let v = e.run(&s, vec![("Y".into(), Dynamic::from_int(2024))]);
        assert_eq!(v.unwrap().as_int().unwrap(), 499_500);
        // The limit of a run is the build's: two seconds, ten times that in a debug build.
        assert_eq!(
            ScriptEngine::new(vec![]).time_limit.as_secs(),
            MAX_SECONDS * if cfg!(debug_assertions) { 10 } else { 1 }
        );
    }

    /// Issue 16.7: `contains` over a 10,000-item array counted as one operation, so 1,000 of
    /// them (ten million comparisons, 52 s) fitted the budget. Thirty already spend it now; without
    /// the charge this script succeeds.
    #[test]
    fn whole_array_comparisons_count_against_the_budget() {
        let build = "let xs = []; for i in 0..10000 { xs.push(i) } let n = 0;";
        for step in [
            "if xs.contains(-1) { n += 1 }",
            "if -1 in xs { n += 1 }",
            "n += xs.index_of(-1)",
            "if xs == xs { n += 1 }",
            "let ys = xs; ys.dedup(); n += ys.len()",
        ] {
            let e = run(&format!("{build} for i in 0..30 {{ {step} }} n")).unwrap_err();
            assert!(e.message.contains("步上限"), "{step}: {}", e.message);
            let charged = CHARGED.with(std::cell::Cell::get);
            assert!(
                charged <= MAX_OPERATIONS + MAX_ARRAY as u64,
                "{step}: {charged}"
            );
        }
        // A few such calls are well within it.
        let v = run(&format!(
            "{build} for i in 0..5 {{ if xs.contains(9999) {{ n += 1 }} }} n"
        ))
        .unwrap();
        assert_eq!(v.as_int().unwrap(), 5);
    }

    /// Runs `step` 200 times after building a 10,000-item array `xs` (and a 1,000-entry map
    /// `m`, and `s`, a 9,999-byte text of 5,000 parts): the run must end at the step limit, and
    /// the work counted must not run far past it.
    fn assert_spends_the_budget(step: &str) {
        let build = "let xs = []; for i in 0..10000 { xs.push(i) } \
                     let m = #{}; for i in 0..1000 { m[`k${i}`] = i } \
                     let s = \"x\"; for i in 0..4999 { s += \",x\" } let n = 0;";
        let e = run(&format!("{build} for i in 0..200 {{ {step} }} n")).unwrap_err();
        assert!(e.message.contains("步上限"), "{step}: {}", e.message);
        let charged = CHARGED.with(std::cell::Cell::get);
        assert!(
            charged <= MAX_OPERATIONS + 3 * MAX_ARRAY as u64,
            "{step}: {charged}"
        );
    }

    /// Issue 16.7: built-ins that copy, build, reorder or print a whole array or map counted as
    /// one operation, so looping them to the limit took 2–16 s (`order`, `+` of arrays,
    /// `to_string`). Now each charges the items it goes through: 200 calls spend the budget;
    /// without the charge every one of these scripts succeeds.
    #[test]
    fn copying_built_ins_count_against_the_budget() {
        for step in [
            // Joining and copying.
            "let ys = xs.extract(0, 5000) + xs.extract(5000); n += ys.len()",
            "let ys = []; ys += xs; n += ys.len()",
            "let ys = []; ys.append(xs); n += ys.len()",
            "n += xs.extract(0).len()",
            "let ys = []; ys.pad(10000, 0); n += ys.len()",
            "let ys = xs.split(5000); xs.append(ys)",
            "let ys = xs.drain(0..5000); xs.append(ys)",
            "n += s.split(',').len()",
            "n += s.to_chars().len()",
            "n += m.keys().len() + m.values().len()",
            "let k = m + m; n += k.len()",
            "let k = #{}; k.mixin(m); n += k.len()",
            // Reordering.
            "xs.reverse()",
            "xs.sort()",
            "xs.sort_desc()",
            "n += xs.order().len()",
            // Printing.
            "n += xs.extract(0, 1000).to_string().len()",
            "n += (\"\" + xs.extract(0, 1000)).len()",
            "n += `${xs.extract(0, 1000)}`.len()",
            "let t = #{a: xs.extract(0, 1000)}; n += t.to_string().len()",
        ] {
            assert_spends_the_budget(step);
        }
    }

    /// Issue 16.7: Rhai counted the operations of a closure that a built-in calls (`filter`,
    /// `map`, `reduce`, `sort` with a closure) on a copy of its counter, thrown away when the
    /// closure returned, so `filter` over 10,000 items counted as one operation and looping it
    /// to the limit took over three minutes. Every operation now counts once.
    #[test]
    fn closures_called_by_built_ins_count_against_the_budget() {
        for step in [
            "n += xs.filter(|x| x > 0).len()",
            "n += xs.map(|x| x + 1).len()",
            "n += xs.reduce(|sum, x| sum + x, 0)",
            "if xs.all(|x| x >= 0) { n += 1 }",
            "xs.sort(|a, b| b - a)",
            "n += m.filter(|k, v| v > 0).len()",
        ] {
            assert_spends_the_budget(step);
        }
        // A closure's own loop counts too: ten calls of 30,000 steps each are over the budget
        // (Rhai alone stopped only a single call over it).
        let e = run("let t = 0; [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(|x| { for i in 0..30000 { t += 1 } t })")
            .unwrap_err();
        assert!(e.message.contains("步上限"), "{}", e.message);
        assert!(CHARGED.with(std::cell::Cell::get) <= MAX_OPERATIONS + 1);
    }

    /// The charging built-ins give Rhai's own answers and errors: constants cannot be changed,
    /// sizes are limited as before.
    #[test]
    fn charging_built_ins_give_rhais_answers() {
        for (code, want) in [
            ("[1, 2] + [3]", "[1, 2, 3]"),
            ("let x = [1]; x += [2, 3]; x", "[1, 2, 3]"),
            ("let x = [1]; x += 2; x", "[1, 2]"),
            ("let x = [1]; x.append([2]); x", "[1, 2]"),
            ("[1, 2, 3, 4].extract(1, 2)", "[2, 3]"),
            ("[1, 2, 3, 4].extract(-1)", "[4]"),
            ("let x = [1]; x.pad(3, 0); x", "[1, 0, 0]"),
            ("let x = [3, 1, 2]; x.sort(); x", "[1, 2, 3]"),
            ("let x = [3, 1, 2]; x.sort_desc(); x", "[3, 2, 1]"),
            ("let x = [3, 1, 2]; x.reverse(); x", "[2, 1, 3]"),
            ("[3, 1, 2].order()", "[1, 2, 3]"),
            (
                "let x = [1, 2, 3]; let y = x.split(1); [x, y]",
                "[[1], [2, 3]]",
            ),
            ("\"a,b\".split(',')", "[\"a\", \"b\"]"),
            ("#{b: 1, a: 2}.keys()", "[\"a\", \"b\"]"),
            ("#{b: 1, a: 2}.values()", "[2, 1]"),
            ("(#{a: 1} + #{b: 2}).len()", "2"),
            ("[1, [2]].to_string()", "[1, [2]]"),
            ("\"n=\" + [1, 2]", "n=[1, 2]"),
            ("`${[a]}`", "[3]"),
            ("\"ab\" + \"c\"", "abc"),
            ("a + 1", "4"),
            ("[a, 1].map(|x| x * 2)", "[6, 2]"),
            // Script functions called by a built-in divide exactly (`5 / 4` is 1.25).
            (
                "fn keep(x) { x / 4 > 1 } let x = [4, 5, 8]; x.retain(\"keep\"); x",
                "[5, 8]",
            ),
            (
                "fn keep(x) { x / 4 > 1 } let x = [4, 5, 8]; x.drain(\"keep\")",
                "[5, 8]",
            ),
            (
                "fn cmp(a, b) { if b / 4 > a / 4 { 1 } else { -1 } } let x = [4, 5]; x.sort(\"cmp\"); x",
                "[5, 4]",
            ),
        ] {
            assert_eq!(run(code).unwrap().to_string(), want, "{code}");
        }
        for code in [
            "let x = []; x.pad(10001, 0); 1",
            "let x = []; x.pad(10000, 0); x += x; 1",
            "let x = []; x.pad(10000, 0); x + [1]",
        ] {
            let e = run(code).unwrap_err();
            assert!(e.message.contains("过大"), "{code}: {}", e.message);
        }
        // An input is a constant: changing it is refused as Rhai refuses it.
        let e = ScriptEngine::new(vec!["xs".into()]);
        for code in [
            "xs.sort(); 1",
            "xs.reverse(); 1",
            "xs.pad(5, 0); 1",
            "xs += [1]; 1",
        ] {
            let s = script(code);
            e.compile(&s, &[]).unwrap();
            let list = Dynamic::from_array(vec![Dynamic::from_int(2), Dynamic::from_int(1)]);
            let got = e.run(
                &s,
                vec![("xs".into(), list), ("Y".into(), Dynamic::from_int(2024))],
            );
            assert!(got.is_err(), "{code}: {got:?}");
        }
    }

    /// The charged replacements compare exactly as Rhai's own functions did.
    #[test]
    fn charged_comparisons_give_rhais_answers() {
        for (code, want) in [
            ("[1, 2, 3].contains(2)", "true"),
            ("2 in [1, 2]", "true"),
            ("\"a\" in [1, 2]", "false"),
            ("a in [1, 3]", "true"),
            ("[1, 2, 3, 2].index_of(2)", "1"),
            ("[1, 2, 3, 2].index_of(2, 2)", "3"),
            ("[1, 2, 3, 2].index_of(2, -1)", "3"),
            ("[1, 2, 3, 2].index_of(9)", "-1"),
            ("let x = [1, 1, 2, 2, 1]; x.dedup(); x", "[1, 2, 1]"),
            ("[1, [2, 3]] == [1, [2, 3]]", "true"),
            ("[1, 2] != [1, 3]", "true"),
            ("#{a: 1, b: [2]} == #{b: [2], a: 1}", "true"),
            ("#{a: 1} != #{a: 2}", "true"),
            ("[a] == [3]", "true"),
        ] {
            assert_eq!(run(code).unwrap().to_string(), want, "{code}");
        }
    }

    #[test]
    fn deep_recursion_is_stopped() {
        let e = run("fn f(n) { f(n + 1) } f(0)").unwrap_err();
        assert!(e.message.contains("层数"), "{}", e.message);
    }

    #[test]
    fn huge_string_is_stopped() {
        let e = run("let s = \"x\"; loop { s += s; }").unwrap_err();
        assert!(e.message.contains("过大"), "{}", e.message);
    }

    #[test]
    fn eval_and_undeclared_names_are_refused() {
        assert!(run("eval(\"1\")").is_err());
        let e = run("b + 1").unwrap_err();
        assert!(e.message.contains("未声明"), "{}", e.message);
    }

    #[test]
    fn no_clock_sleep_exit_or_debugging_in_the_sandbox() {
        for code in [
            "sleep(0); 1",
            "sleep(9223372036854775807); 1",
            "exit(); 1",
            "exit(5)",
            "parse_json(\"{}\"); 1",
            "timestamp(); 1",
            "back_trace(); 1",
            "Fn(\"sleep\").call(0); 1",
        ] {
            let e = run(code).unwrap_err();
            assert!(e.message.contains("不存在的函数"), "{code}: {}", e.message);
        }
        // What scripts do need still works.
        let v =
            run("let xs = [1, 2, 3]; xs.filter(|x| x > 1).len() + a.abs() + `${a}`.len()").unwrap();
        assert_eq!(v.as_decimal().unwrap(), Decimal::from(6));
    }

    #[test]
    fn calls_to_functions_the_sandbox_lacks_are_found() {
        let e = ScriptEngine::new(vec!["a".into()]);
        let code = "fn f(x) { x.abs() }\nlet n = f(a) + [1].len();\nsleep(1);\nlet g = Fn(\"timestamp\");\nn.to_string().len() + Fn(\"f\").call(1)";
        let s = script(code);
        e.compile(&s, &[]).unwrap();
        let found: Vec<(String, usize)> = e
            .unknown_calls(&s)
            .into_iter()
            .map(|c| (c.name, c.offset))
            .collect();
        let at = |w: &str| code.find(w).unwrap();
        assert_eq!(
            found,
            vec![
                ("sleep".to_string(), at("sleep")),
                ("timestamp".to_string(), at("Fn(\"timestamp"))
            ]
        );
    }

    #[test]
    fn finds_inputs_read_next_to_chinese_text() {
        let e = ScriptEngine::new(vec!["a".into(), "b".into()]);
        assert_eq!(
            e.inputs_read(&script("let 甲 = a; /* 注释 b */ 甲 + \"\\中\" // 乙 b")),
            vec!["a".to_string()]
        );
    }

    #[test]
    fn finds_inputs_read() {
        let e = ScriptEngine::new(vec!["a".into(), "b".into()]);
        assert_eq!(
            e.inputs_read(&script("// b\nlet x = a; \"b\"")),
            vec!["a".to_string()]
        );
    }

    /// Not a test: how long each built-in takes when a script loops it to the limit (the
    /// seconds in docs/limits.md). Run with
    /// `cargo test --release --lib script::tests::seconds_to_the_limit -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a test"]
    fn seconds_to_the_limit() {
        let xs = "let xs = []; for i in 0..10000 { xs.push(to_decimal(i)) }";
        let h = "let h = xs.extract(0, 5000);";
        let p = "let p = xs.extract(0, 1500);";
        let s = "let s = \"\"; s.pad(10000, 'x');";
        let u = "let u = \"x\"; for i in 0..4999 { u += \",x\" }";
        let m = "let m = #{}; for i in 0..1000 { m[`k${i}`] = to_decimal(i) }";
        for (setup, step) in [
            ("", "x += 1"),
            (xs, "let ys = xs"),
            (xs, "f(xs)"),
            (xs, "g.call(xs)"),
            (h, "let ys = h + h"),
            (xs, "let ys = []; ys += xs"),
            (xs, "let ys = []; ys.append(xs)"),
            (xs, "let ys = xs.extract(0)"),
            ("", "let ys = []; ys.pad(10000, 0)"),
            (xs, "xs.reverse()"),
            (xs, "xs.sort()"),
            (xs, "xs.sort_desc()"),
            (xs, "let ys = xs.order()"),
            (xs, "let v = xs.remove(0); xs.push(v)"),
            (p, "let t = p.to_string()"),
            (p, "let t = \"\" + p"),
            (xs, "let ys = xs.filter(|x| true)"),
            (xs, "let ys = xs.map(|x| x)"),
            (s, "let n = s.len()"),
            (s, "s.index_of(\"y\")"),
            (u, "let parts = u.split(',')"),
            (s, "let c = s.to_chars()"),
            (m, "let k = m.keys()"),
            (m, "let k = m.values()"),
            (m, "let k = m"),
            (m, "let k = m + m"),
        ] {
            // `h` and `p` are parts of `xs`.
            let setup = if setup == h || setup == p {
                format!("{xs} {setup}")
            } else {
                setup.to_string()
            };
            let code =
                format!("fn f(a) {{ 0 }} let g = Fn(\"f\"); let x = 0; {setup} loop {{ {step}; }}");
            let started = std::time::Instant::now();
            let e = run(&code).unwrap_err();
            eprintln!(
                "{step:40} {:7.3} s  {}",
                started.elapsed().as_secs_f64(),
                e.message
            );
        }
    }
}
