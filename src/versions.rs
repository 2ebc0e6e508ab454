//! Rule sets and their versions.
//!
//! Rule files live as `rules/<set>/<version>.zb`; each declares its set id, version and the dates
//! it is in force (`effective`, optional `until`). This module
//! - lists versions and picks one: by id (`sd-nmsz@2023`), newest, or in force on a day
//!   ([`catalog`], [`find_entry`], [`newest`], [`in_force`]);
//! - finds date problems across the versions of a set ([`check_dates`], codes `ZB7…`);
//! - builds one rule set from a revision and the versions it builds on ([`load`]).
//!
//! A revision says `extends "2023"` (a version of its own set) or `extends "sd-nmsz@2023"` in its
//! header and states only what changes. Merging, base first:
//! - header: `title`, `version`, `effective`, `until` and `extends` are the revision's own; any
//!   other field it writes (`pass`, `points`, `source`, `category_rate`, `category_cap`,
//!   `accepts`) replaces the base's, and one it leaves out is inherited;
//! - `remove indicator N | input k | fn f | let x | check "message" | category "name"` takes that
//!   out of the base (it must be there);
//! - an `input`, `fn`, `let` or `check` (by key, name or message) replaces the base's one in
//!   place, or is added at the end;
//! - a `category` with a base category's name replaces its points and merges its contents:
//!   an indicator replaces the base indicator with its number (whole, in place) or is added at
//!   the end, a `group` replaces the group with its name; a category with a new name is added;
//! - an indicator whose number the base has in another category is a conflict: moving one
//!   takes `remove indicator N` first.
//!
//! The result is one rule set: what `lint`, `eval` and `diff` see. Its spans index the texts of
//! all its files joined (see [`RuleSet::parts`]) and its digest covers every file.
//!
//! The library reads no files: [`load`] asks a caller's `find` closure for each version it needs.

use crate::codes;
use crate::diag::{Diagnostic, Severity, Span, suggest};
use crate::model::{self, Accepted, RulePart, RuleSet};
use crate::syntax::{self, ast, walk};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

/// The most files one rule set may be built from (a revision of a revision of …).
pub const MAX_CHAIN_FILES: usize = 16;

/// A rule file handed to the library: its name (a path or a built-in name) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleText {
    /// The name shown in messages.
    pub name: Arc<str>,
    /// The text.
    pub text: Arc<str>,
}

/// A version asked for by `extends` or `accepts`.
#[derive(Debug, Clone, Copy)]
pub struct RuleRef<'a> {
    /// The set id.
    pub set: &'a str,
    /// The version.
    pub version: &'a str,
    /// The file that asks (to look beside it first).
    pub from: &'a Arc<str>,
}

/// `"2023"` (a version of `own_set`) or `"sd-nmsz@2023"` as (set, version).
pub fn split_ref<'a>(spec: &'a str, own_set: &'a str) -> (&'a str, &'a str) {
    match spec.split_once('@') {
        Some((s, v)) => (s.trim(), v.trim()),
        None => (own_set, spec.trim()),
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// A calendar day, as rule files write it (`2025-07-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Year.
    pub year: u32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl Day {
    /// Reads `YYYY-MM-DD`; `None` for anything else or a day that does not exist.
    pub fn parse(s: &str) -> Option<Day> {
        let mut it = s.trim().split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(y) && all_digits(m) && all_digits(d)) {
            return None;
        }
        let day = Day {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let valid =
            (1..=12).contains(&day.month) && (1..=days_in(day.year, day.month)).contains(&day.day);
        valid.then_some(day)
    }

    /// The day after.
    pub fn next(self) -> Day {
        if self.day < days_in(self.year, self.month) {
            Day {
                day: self.day + 1,
                ..self
            }
        } else if self.month < 12 {
            Day {
                month: self.month + 1,
                day: 1,
                ..self
            }
        } else {
            Day {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        }
    }
}

impl Day {
    /// The day before.
    pub fn prev(self) -> Day {
        if self.day > 1 {
            Day {
                day: self.day - 1,
                ..self
            }
        } else if self.month > 1 {
            Day {
                month: self.month - 1,
                day: days_in(self.year, self.month - 1),
                ..self
            }
        } else {
            Day {
                year: self.year.saturating_sub(1),
                month: 12,
                day: 31,
            }
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

// ---------------------------------------------------------------------------------------------
// The catalogue of versions

/// One rule file as a version of a set: what its header says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The file name.
    pub name: Arc<str>,
    /// The set id.
    pub set: String,
    /// The version (empty if the file declares none).
    pub version: String,
    /// The title.
    pub title: String,
    /// First day in force.
    pub effective: Option<String>,
    /// Last day in force.
    pub until: Option<String>,
    /// The version it builds on, as `set@version`.
    pub extends: Option<String>,
    /// The rule set whose submissions it accepts, as `set@version`.
    pub accepts: Option<String>,
    /// `sha256:` digest of the file's text (not of the resolved rules).
    pub digest: String,
    #[serde(skip)]
    spans: EntrySpans,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct EntrySpans {
    id: Span,
    version: Option<Span>,
    effective: Option<Span>,
    until: Option<Span>,
    extends: Option<Span>,
}

impl Entry {
    /// `set@version`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.set, self.version)
    }

    fn effective_day(&self) -> Option<Day> {
        self.effective.as_deref().and_then(Day::parse)
    }

    fn until_day(&self) -> Option<Day> {
        self.until.as_deref().and_then(Day::parse)
    }

    /// Whether the version is in force on `day`.
    pub fn in_force_on(&self, day: Day) -> bool {
        self.effective_day().is_some_and(|e| e <= day) && self.until_day().is_none_or(|u| day <= u)
    }
}

/// What a rule file's header says, or `None` for a file without a `ruleset` header.
pub fn entry(name: &Arc<str>, text: &str) -> Option<Entry> {
    let h = syntax::parse_header(name, text)?;
    let version = h
        .version
        .as_ref()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let refs = |s: &Option<ast::Spanned<String>>| {
        s.as_ref().map(|s| {
            let (set, v) = split_ref(&s.value, &h.id.value);
            format!("{set}@{v}")
        })
    };
    Some(Entry {
        name: name.clone(),
        set: h.id.value.clone(),
        version,
        title: h.title.value.clone(),
        effective: h.effective.as_ref().map(|e| e.value.clone()),
        until: h.until.as_ref().map(|e| e.value.clone()),
        extends: refs(&h.extends),
        accepts: refs(&h.accepts),
        digest: model::digest(text),
        spans: EntrySpans {
            id: h.id.span,
            version: h.version.as_ref().map(|v| v.span),
            effective: h.effective.as_ref().map(|v| v.span),
            until: h.until.as_ref().map(|v| v.span),
            extends: h.extends.as_ref().map(|v| v.span),
        },
    })
}

/// The versions among `files`, sorted by set, then effective date, then version.
pub fn catalog(files: &[RuleText]) -> Vec<Entry> {
    let mut out: Vec<Entry> = files
        .iter()
        .filter_map(|f| entry(&f.name, &f.text))
        .collect();
    out.sort_by(|a, b| {
        (&a.set, a.effective_day(), &a.version, &a.name).cmp(&(
            &b.set,
            b.effective_day(),
            &b.version,
            &b.name,
        ))
    });
    out
}

/// The sets among the entries, sorted.
pub fn sets(entries: &[Entry]) -> Vec<&str> {
    let set: BTreeSet<&str> = entries.iter().map(|e| e.set.as_str()).collect();
    set.into_iter().collect()
}

/// The entry for `set@version`.
pub fn find_entry<'a>(entries: &'a [Entry], set: &str, version: &str) -> Option<&'a Entry> {
    entries
        .iter()
        .find(|e| e.set == set && e.version == version)
}

/// The newest version of a set: the latest `effective` date (a version without one counts as
/// oldest); among equal dates, the greatest version.
pub fn newest<'a>(entries: &'a [Entry], set: &str) -> Option<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.set == set)
        .max_by(|a, b| (a.effective_day(), &a.version).cmp(&(b.effective_day(), &b.version)))
}

/// The version of a set in force on `day`. Where versions overlap (a `ZB703` finding), the one
/// that took effect last.
pub fn in_force<'a>(entries: &'a [Entry], set: &str, day: Day) -> Option<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.set == set && e.in_force_on(day))
        .max_by(|a, b| (a.effective_day(), &a.version).cmp(&(b.effective_day(), &b.version)))
}

/// Date and layout findings across the versions of each set (codes `ZB701`–`ZB705`, `ZB709`,
/// `ZB710`). They point into the files' own texts; `lint` reports them beside its own.
pub fn check_dates(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<(&str, &str), &Entry> = HashMap::new();
    for e in entries {
        let at = e.spans.version.unwrap_or(e.spans.id);
        if let Some(first) = seen.insert((&e.set, &e.version), e) {
            out.push(
                Diagnostic::error(
                    codes::VERSION_DUPLICATE,
                    format!("{} 在两个文件里都有：{} 和 {}", e.id(), first.name, e.name),
                )
                .at(&e.name, at)
                .label("同一版本")
                .help("每个版本只能有一个文件；删除其中一个，或改其中一个的 version"),
            );
        }
        if let (Some(from), Some(to)) = (e.effective_day(), e.until_day())
            && to < from
        {
            out.push(
                Diagnostic::error(
                    codes::VERSION_DATES,
                    format!("截止日期 {to} 早于生效日期 {from}"),
                )
                .at(&e.name, e.spans.until.unwrap_or(at))
                .label("早于生效日期")
                .help("until 是最后一天仍然有效的日期，应不早于 effective"),
            );
        }
        if e.effective.is_none() {
            out.push(
                Diagnostic::warning(
                    codes::VERSION_NO_DATE,
                    format!("{} 没有生效日期，无法按日期（--as-of）选用", e.id()),
                )
                .at(&e.name, e.spans.id)
                .help("在 ruleset 头里写 effective 年-月-日"),
            );
        }
        layout(e, &mut out);
    }
    for set in sets(entries) {
        let mut dated: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.set == set && e.effective_day().is_some())
            .collect();
        dated.sort_by_key(|e| (e.effective_day(), e.version.clone()));
        for (i, a) in dated.iter().enumerate() {
            for b in dated.iter().skip(i + 1) {
                overlap(a, b, &mut out);
            }
            if let (Some(b), Some(until)) = (dated.get(i + 1), a.until_day())
                && let Some(start) = b.effective_day()
            {
                let after = until.next();
                if after < start && a.effective_day() <= Some(until) {
                    out.push(
                            Diagnostic::warning(
                                codes::VERSION_GAP,
                                format!(
                                    "{} 截止于 {until}，{} 自 {start} 起生效，{after} 至 {} 没有版本生效",
                                    a.id(),
                                    b.id(),
                                    start.prev()
                                ),
                            )
                            .at(&a.name, a.spans.until.unwrap_or(a.spans.id))
                            .label("此后出现空档")
                            .help(format!(
                                "如无意留出空档，把 until 改为 {}，或删除 until",
                                start.prev()
                            )),
                        );
                }
            }
        }
    }
    for e in entries {
        let Some(base_id) = &e.extends else { continue };
        let Some(base) = entries.iter().find(|b| &b.id() == base_id) else {
            continue;
        };
        if let (Some(mine), Some(theirs)) = (e.effective_day(), base.effective_day())
            && mine < theirs
        {
            out.push(
                Diagnostic::warning(
                    codes::EXTENDS_ORDER,
                    format!(
                        "{} 自 {mine} 起生效，早于它所基于的 {base_id}（{theirs} 起生效）",
                        e.id()
                    ),
                )
                .at(&e.name, e.spans.extends.unwrap_or(e.spans.id))
                .label("所基于的版本更晚生效")
                .help("修订版通常在所基于的版本之后生效；核对两个文件的 effective"),
            );
        }
    }
    out
}

fn overlap(a: &Entry, b: &Entry, out: &mut Vec<Diagnostic>) {
    let (Some(a_from), Some(b_from)) = (a.effective_day(), b.effective_day()) else {
        return;
    };
    let at = b.spans.effective.unwrap_or(b.spans.id);
    if a_from == b_from {
        out.push(
            Diagnostic::error(
                codes::VERSION_OVERLAP,
                format!(
                    "{} 和 {} 同一天（{b_from}）生效，无法确定哪一个有效",
                    a.id(),
                    b.id()
                ),
            )
            .at(&b.name, at)
            .label("生效日期相同")
            .help("改其中一个的 effective，或给前一个写 until"),
        );
    } else if let Some(a_to) = a.until_day()
        && a_to >= b_from
    {
        out.push(
            Diagnostic::error(
                codes::VERSION_OVERLAP,
                format!(
                    "{}（{a_from} 至 {a_to}）和 {}（{b_from} 起）的生效期重叠",
                    a.id(),
                    b.id()
                ),
            )
            .at(&a.name, a.spans.until.unwrap_or(a.spans.id))
            .label("晚于下一版本的生效日期")
            .help(format!(
                "把 until 改为 {b_from} 的前一天；或删除 until，让 {} 生效时自然接替",
                b.id()
            )),
        );
    }
}

/// `rules/<set>/<version>.zb`: a file whose folder or name says otherwise than its header.
fn layout(e: &Entry, out: &mut Vec<Diagnostic>) {
    let path = std::path::Path::new(&*e.name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !e.version.is_empty() && stem != e.version {
        out.push(
            Diagnostic::warning(
                codes::VERSION_LAYOUT,
                format!("文件名“{stem}”与声明的版本“{}”不一致", e.version),
            )
            .at(&e.name, e.spans.version.unwrap_or(e.spans.id))
            .help(format!(
                "规则文件按 <规则集>/<版本>.zb 存放：把文件改名为 {}.zb，或改 version",
                e.version
            )),
        );
    }
    if !folder.is_empty() && folder != e.set && folder != "rules" {
        out.push(
            Diagnostic::warning(
                codes::VERSION_LAYOUT,
                format!("目录名“{folder}”与声明的规则集编号“{}”不一致", e.set),
            )
            .at(&e.name, e.spans.id)
            .help(format!(
                "规则文件按 <规则集>/<版本>.zb 存放：把文件移到 {}/ 目录下，或改 ruleset 编号",
                e.set
            )),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Building a rule set from a revision and its bases

/// Parses and resolves a rule file with everything it `extends` and `accepts`, asking `find` for
/// each version it needs. A file that names neither is resolved on its own, exactly as
/// [`model::resolve`] does. Returns the rule set (even with errors, if one could be built) and
/// every diagnostic, each pointing into the file it is about.
pub fn load(
    name: &Arc<str>,
    text: &str,
    find: &mut dyn FnMut(&RuleRef) -> Option<RuleText>,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    load_inner(name, text, find, &mut Vec::new())
}

fn load_inner(
    name: &Arc<str>,
    text: &str,
    find: &mut dyn FnMut(&RuleRef) -> Option<RuleText>,
    accepting: &mut Vec<String>,
) -> (Option<RuleSet>, Vec<Diagnostic>) {
    let (ast, mut diags) = syntax::parse(name, text);
    if diags.iter().any(|d| d.code == codes::LIMIT) {
        return (None, diags);
    }
    let composite = ast
        .header
        .as_ref()
        .is_some_and(|h| h.extends.is_some() || h.accepts.is_some());
    if !composite {
        removals_need_extends(name, &ast, &mut diags);
        let rs = model::resolve(name, text, ast, &mut diags);
        return (rs, diags);
    }

    // The chain: this file, the version it extends, that one's base, and so on.
    let mut chain: Vec<(Arc<str>, Arc<str>, ast::File)> =
        vec![(name.clone(), Arc::from(text), ast)];
    while let Some((from, _, file)) = chain.last() {
        let Some(h) = &file.header else { break };
        let Some(ext) = &h.extends else { break };
        let (set, version) = split_ref(&ext.value, &h.id.value);
        let wanted = format!("{set}@{version}");
        let ids: Vec<String> = chain.iter().rev().map(|(_, _, f)| file_id(f)).collect();
        if ids.contains(&wanted) || accepting.contains(&wanted) {
            let mut path: Vec<String> = chain.iter().map(|(_, _, f)| file_id(f)).collect();
            path.push(wanted.clone());
            diags.push(
                Diagnostic::error(
                    codes::EXTENDS_CYCLE,
                    format!("extends 形成循环：{}", path.join(" → ")),
                )
                .at(from, ext.span)
                .label("回到了已经用到的版本")
                .help("修订链必须止于一个不 extends 任何版本的文件"),
            );
            break;
        }
        if chain.len() >= MAX_CHAIN_FILES {
            diags.push(
                Diagnostic::error(codes::LIMIT, format!("修订链超过 {MAX_CHAIN_FILES} 个文件"))
                    .at(from, ext.span)
                    .help("把较早的修订合并成一个完整的版本，再在它的基础上修订"),
            );
            break;
        }
        let r = RuleRef { set, version, from };
        let Some(found) = find(&r) else {
            diags.push(not_found("extends", &wanted, from, ext.span));
            break;
        };
        let (base, base_diags) = syntax::parse(&found.name, &found.text);
        diags.extend(base_diags);
        if file_id(&base) != wanted {
            diags.push(
                Diagnostic::error(
                    codes::EXTENDS_UNKNOWN,
                    format!(
                        "为 {wanted} 找到的文件 {} 声明的是 {}",
                        found.name,
                        file_id(&base)
                    ),
                )
                .at(from, ext.span)
                .help("检查那个文件的 ruleset 编号和 version"),
            );
            break;
        }
        chain.push((found.name, found.text, base));
    }
    chain.reverse();

    // Every file's spans move to where its text starts in the joined text.
    let mut joined = String::new();
    let mut parts = Vec::new();
    let mut trees = Vec::new();
    for (i, (part_name, part_text, mut tree)) in chain.into_iter().enumerate() {
        if i > 0 {
            joined.push('\n');
        }
        let offset = joined.len();
        joined.push_str(&part_text);
        walk::shift(&mut tree, offset);
        let (id, version) = tree
            .header
            .as_ref()
            .map(|h| {
                (
                    h.id.value.clone(),
                    h.version
                        .as_ref()
                        .map(|v| v.value.clone())
                        .unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        parts.push(RulePart {
            name: part_name,
            digest: model::digest(&part_text),
            text: part_text,
            offset,
            id,
            version,
            allows: tree.allows.clone(),
        });
        trees.push(tree);
    }

    let mut global = Vec::new();
    let mut trees = trees.into_iter();
    let Some(mut merged) = trees.next() else {
        return (None, diags);
    };
    removals_need_extends(name, &merged, &mut global);
    let mut removed_names: Vec<(String, Span, &'static str)> = Vec::new();
    for rev in trees {
        for r in &rev.removals {
            if let ast::RemoveTarget::Input(n)
            | ast::RemoveTarget::Fn(n)
            | ast::RemoveTarget::Let(n) = &r.target
            {
                removed_names.push((n.value.clone(), r.span, r.target.what()));
            }
        }
        merged = merge(merged, rev, name, &mut global);
    }
    let accepts = merged.header.as_ref().and_then(|h| {
        h.accepts
            .as_ref()
            .map(|a| (a.clone(), h.id.value.clone(), file_id(&merged)))
    });
    let rs = model::resolve(name, &joined, merged, &mut global);
    let Some(mut rs) = rs else {
        diags.extend(global.into_iter().map(|d| model::localize(&parts, name, d)));
        return (None, diags);
    };

    if let Some((acc, own_set, own_id)) = accepts {
        let (set, version) = split_ref(&acc.value, &own_set);
        let wanted = format!("{set}@{version}");
        if wanted == own_id || accepting.contains(&wanted) {
            global.push(
                Diagnostic::error(
                    codes::EXTENDS_CYCLE,
                    format!("accepts 形成循环：{own_id} → {wanted}"),
                )
                .at(name, acc.span)
                .help("accepts 不能指向自己，也不能互相指向"),
            );
        } else {
            let r = RuleRef {
                set,
                version,
                from: name,
            };
            match find(&r) {
                None => global.push(not_found("accepts", &wanted, name, acc.span)),
                Some(found) => {
                    accepting.push(own_id);
                    let (other, other_diags) =
                        load_inner(&found.name, &found.text, find, accepting);
                    accepting.pop();
                    diags.extend(other_diags.into_iter().filter(Diagnostic::is_error));
                    if let Some(other) = other {
                        if format!("{}@{}", other.id(), other.version()) != wanted {
                            global.push(
                                Diagnostic::error(
                                    codes::EXTENDS_UNKNOWN,
                                    format!(
                                        "为 {wanted} 找到的文件 {} 声明的是 {}@{}",
                                        found.name,
                                        other.id(),
                                        other.version()
                                    ),
                                )
                                .at(name, acc.span)
                                .help("检查那个文件的 ruleset 编号和 version"),
                            );
                        } else {
                            rs.accepted = Some(accepted(&rs, &other, name, &mut global));
                        }
                    }
                }
            }
        }
    }

    explain_removed_names(&removed_names, &joined, &mut global);
    if parts.len() > 1 || rs.accepted.is_some() {
        rs.digest = combined_digest(&parts, rs.accepted.as_ref());
    }
    rs.file = name.clone();
    rs.parts = parts;
    diags.extend(global.into_iter().map(|d| rs.localize(d)));
    (Some(rs), diags)
}

/// An unknown name that a revision removed gets a help that says so.
fn explain_removed_names(
    removed: &[(String, Span, &'static str)],
    joined: &str,
    diags: &mut [Diagnostic],
) {
    for d in diags.iter_mut().filter(|d| d.code == codes::UNKNOWN_NAME) {
        let Some(span) = d.span else { continue };
        let Some(written) = joined.get(span.start..span.end) else {
            continue;
        };
        if let Some((name, at, what)) = removed.iter().find(|(n, _, _)| n == written) {
            d.help = Some(format!(
                "{what}“{name}”已被修订版删除，这里仍然用到它：同时修订用到它的地方，或不要删除它"
            ));
            d.related.push((*at, "在这里删除".into()));
        }
    }
}

/// The digest of a rule set built from several files: the `sha256:` digest of the text made of
/// each file's digest on a line of its own, base first, then `accepts` and the accepted rule
/// set's digest if there is one.
pub fn combined_digest(parts: &[RulePart], accepted: Option<&Accepted>) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(&p.digest);
        s.push('\n');
    }
    if let Some(a) = accepted {
        s.push_str("accepts ");
        s.push_str(&a.digest);
        s.push('\n');
    }
    model::digest(&s)
}

fn file_id(f: &ast::File) -> String {
    f.header.as_ref().map_or_else(String::new, |h| {
        format!(
            "{}@{}",
            h.id.value,
            h.version.as_ref().map_or("", |v| v.value.as_str())
        )
    })
}

fn not_found(what: &str, wanted: &str, from: &Arc<str>, span: Span) -> Diagnostic {
    Diagnostic::error(
        codes::EXTENDS_UNKNOWN,
        format!("找不到 {what} 所指的版本 {wanted}"),
    )
    .at(from, span)
    .label("找不到这个版本")
    .help("用 zhibiao rules 列出可用的版本，核对规则集编号和版本号；不是内置的版本要放在本文件旁边，或同级的 <规则集编号> 目录里")
}

fn removals_need_extends(name: &Arc<str>, f: &ast::File, diags: &mut Vec<Diagnostic>) {
    for r in &f.removals {
        diags.push(
            Diagnostic::error(
                codes::OVERRIDE_CONFLICT,
                "remove 只能用在修订另一版本（extends）的文件里",
            )
            .at(name, r.span)
            .help("在 ruleset 头里写 extends \"所基于的版本\"，或删除这一行"),
        );
    }
}

/// What a rule set takes from the one it `accepts`: the keys it ignores, after checking that the
/// inputs both declare are read the same way.
fn accepted(
    own: &RuleSet,
    other: &RuleSet,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> Accepted {
    for inp in &own.inputs {
        let Some(theirs) = other.input(&inp.name.value) else {
            continue;
        };
        let shape = |i: &ast::InputDecl| {
            (
                i.kind.value,
                i.unit.as_ref().map(|u| u.value.clone()),
                i.list,
                i.yearly,
            )
        };
        if shape(inp) != shape(theirs) {
            diags.push(
                Diagnostic::error(
                    codes::ACCEPTS_MISMATCH,
                    format!(
                        "输入项“{}”的类型或单位与 {}@{} 的声明不同（那里是 {}）",
                        inp.name.value,
                        other.id(),
                        other.version(),
                        describe_input(theirs)
                    ),
                )
                .at(file, inp.span)
                .label("与所接受的规则集不一致")
                .help("同一份申报文件要被两个规则集读成同样的值：照那边的类型、单位、yearly、list 声明"),
            );
        }
    }
    Accepted {
        id: other.id().to_string(),
        version: other.version().to_string(),
        digest: other.digest.clone(),
        files: other
            .parts
            .iter()
            .map(|p| p.name.clone())
            .chain(other.accepted.iter().flat_map(|a| a.files.iter().cloned()))
            .collect(),
        data_keys: other
            .inputs
            .iter()
            .map(|i| i.name.value.clone())
            .filter(|k| own.input(k).is_none())
            .collect(),
        judgement_keys: other
            .judgements
            .keys()
            .filter(|k| !own.judgements.contains_key(*k) && !own.computed_items.contains_key(*k))
            .cloned()
            .collect(),
    }
}

/// An input's kind as the rule file writes it: `money 万元 yearly`.
pub fn describe_input(i: &ast::InputDecl) -> String {
    let kind = match i.kind.value {
        ast::ScalarKind::Count => "count",
        ast::ScalarKind::Money => "money",
        ast::ScalarKind::Percent => "percent",
        ast::ScalarKind::Decimal => "decimal",
        ast::ScalarKind::Bool => "bool",
    };
    let mut s = String::new();
    if i.list {
        s.push_str("list ");
    }
    s.push_str(kind);
    if let Some(u) = &i.unit {
        s.push(' ');
        s.push_str(&u.value);
    }
    if i.yearly {
        s.push_str(" yearly");
    }
    s
}

/// Merges a revision into its base (both already shifted into the joined text's offsets).
fn merge(
    mut base: ast::File,
    rev: ast::File,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) -> ast::File {
    let ast::File {
        header,
        inputs,
        fns,
        lets,
        checks,
        categories,
        allows,
        removals,
    } = rev;

    base.header = match (base.header.take(), header) {
        (Some(b), Some(r)) => Some(merge_header(b, r)),
        (b, r) => r.or(b),
    };

    let mut removed: HashMap<(&'static str, String), Span> = HashMap::new();
    for r in &removals {
        let key = (r.target.what(), r.target.key());
        if let Some(first) = removed.get(&key) {
            diags.push(
                Diagnostic::error(
                    codes::OVERRIDE_CONFLICT,
                    format!("{}“{}”已经删除过一次", key.0, key.1),
                )
                .at(file, r.span)
                .related(*first, "第一次删除在这里")
                .help("删除重复的 remove"),
            );
            continue;
        }
        removed.insert(key, r.span);
        remove(&mut base, r, file, diags);
    }

    replace_or_add(&mut base.inputs, inputs, |i| i.name.value.clone());
    replace_or_add(&mut base.fns, fns, |f| f.name.value.clone());
    replace_or_add(&mut base.lets, lets, |l| l.name.value.clone());
    replace_or_add(&mut base.checks, checks, |c| c.message.value.clone());
    base.allows.extend(allows);

    let mut seen_categories: HashMap<String, Span> = HashMap::new();
    for cat in categories {
        if let Some(first) = seen_categories.insert(cat.name.value.clone(), cat.name.span) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE,
                    format!("一级指标“{}”写了两次", cat.name.value),
                )
                .at(file, cat.name.span)
                .related(first, "第一次在这里")
                .help("把两处的内容合到一个 category 块里"),
            );
            continue;
        }
        merge_category(&mut base, cat, file, diags);
    }
    base.removals = removals;
    base
}

fn merge_header(base: ast::Header, rev: ast::Header) -> ast::Header {
    let mut allows = base.allows;
    allows.extend(rev.allows);
    ast::Header {
        source: rev.source.or(base.source),
        points: rev.points.or(base.points),
        category_rate: rev.category_rate.or(base.category_rate),
        category_cap: rev.category_cap.or(base.category_cap),
        accepts: rev.accepts.or(base.accepts),
        pass: if rev.pass.is_empty() {
            base.pass
        } else {
            rev.pass
        },
        allows,
        ..rev
    }
}

/// Each of `new` replaces the element of `list` with its key in place (only elements that were
/// there before this revision: two of the revision's own with one key both stay, for the
/// resolver to report), or is added at the end.
fn replace_or_add<T>(list: &mut Vec<T>, new: Vec<T>, key: impl Fn(&T) -> String) {
    let base_len = list.len();
    let mut replaced = vec![false; base_len];
    for item in new {
        let k = key(&item);
        let hit = list
            .iter()
            .take(base_len)
            .enumerate()
            .position(|(i, x)| !replaced.get(i).copied().unwrap_or(true) && key(x) == k);
        match hit {
            Some(i) => {
                if let (Some(slot), Some(flag)) = (list.get_mut(i), replaced.get_mut(i)) {
                    *slot = item;
                    *flag = true;
                }
            }
            None => list.push(item),
        }
    }
}

fn remove(base: &mut ast::File, r: &ast::Removal, file: &Arc<str>, diags: &mut Vec<Diagnostic>) {
    use ast::RemoveTarget as T;
    let key = r.target.key();
    let found = match &r.target {
        T::Indicator(n) => base.categories.iter_mut().any(|c| {
            let before = c.indicators.len();
            c.indicators.retain(|i| i.no.value != n.value);
            c.indicators.len() != before
        }),
        T::Input(k) => take(&mut base.inputs, |i| i.name.value == k.value),
        T::Fn(k) => take(&mut base.fns, |f| f.name.value == k.value),
        T::Let(k) => take(&mut base.lets, |l| l.name.value == k.value),
        T::Check(m) => take(&mut base.checks, |c| c.message.value == m.value),
        T::Category(k) => take(&mut base.categories, |c| c.name.value == k.value),
    };
    if found {
        return;
    }
    let candidates: Vec<String> = match &r.target {
        T::Indicator(_) => base
            .categories
            .iter()
            .flat_map(|c| c.indicators.iter().map(|i| i.no.value.to_string()))
            .collect(),
        T::Input(_) => base.inputs.iter().map(|i| i.name.value.clone()).collect(),
        T::Fn(_) => base.fns.iter().map(|f| f.name.value.clone()).collect(),
        T::Let(_) => base.lets.iter().map(|l| l.name.value.clone()).collect(),
        T::Check(_) => base
            .checks
            .iter()
            .map(|c| c.message.value.clone())
            .collect(),
        T::Category(_) => base
            .categories
            .iter()
            .map(|c| c.name.value.clone())
            .collect(),
    };
    let mut d = Diagnostic::error(
        codes::OVERRIDE_CONFLICT,
        format!("所基于的版本中没有{}“{key}”，无法删除", r.target.what()),
    )
    .at(file, r.target.key_span())
    .label("基础版本里没有");
    let near = if matches!(r.target, T::Indicator(_)) {
        None
    } else {
        suggest(&key, candidates.iter().map(String::as_str))
    };
    d = match near {
        Some(s) => d.help(format!("是否想写“{s}”？")),
        None if matches!(r.target, T::Indicator(_)) => d.help(format!(
            "所基于的版本的指标编号：{}",
            number_ranges(&candidates)
        )),
        None => d.help("核对名称；已在更早的修订里删除的不能再删"),
    };
    diags.push(d);
}

/// Removes the first element matching `pred`; whether there was one.
fn take<T>(list: &mut Vec<T>, pred: impl Fn(&T) -> bool) -> bool {
    match list.iter().position(pred) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// `1–9、11、13–42` for a list of numbers.
fn number_ranges(nums: &[String]) -> String {
    let mut ns: Vec<u32> = nums.iter().filter_map(|n| n.parse().ok()).collect();
    ns.sort_unstable();
    ns.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&start) = ns.get(i) {
        let mut end = start;
        while ns.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        out.push(if end > start {
            format!("{start}–{end}")
        } else {
            start.to_string()
        });
        i += 1;
    }
    if out.is_empty() {
        "（无）".into()
    } else {
        out.join("、")
    }
}

fn merge_category(
    base: &mut ast::File,
    cat: ast::Category,
    file: &Arc<str>,
    diags: &mut Vec<Diagnostic>,
) {
    // An indicator the base keeps in another category must be removed before it moves.
    let home_of = |no: u32, base: &ast::File| -> Option<String> {
        base.categories
            .iter()
            .find(|c| c.indicators.iter().any(|i| i.no.value == no))
            .map(|c| c.name.value.clone())
    };
    let mut indicators = Vec::new();
    for ind in cat.indicators {
        match home_of(ind.no.value, base) {
            Some(home) if home != cat.name.value => {
                diags.push(
                    Diagnostic::error(
                        codes::OVERRIDE_CONFLICT,
                        format!(
                            "指标 {} 在所基于的版本中属于“{home}”，这里写在“{}”里",
                            ind.no.value, cat.name.value
                        ),
                    )
                    .at(file, ind.no.span)
                    .label("换了一级指标")
                    .help(format!(
                        "要把它移到“{}”，先写 remove indicator {}；只想修改它，就写在 category \"{home}\" 里",
                        cat.name.value, ind.no.value
                    )),
                );
            }
            _ => indicators.push(ind),
        }
    }
    match base
        .categories
        .iter_mut()
        .find(|c| c.name.value == cat.name.value)
    {
        Some(target) => {
            target.name = cat.name;
            target.points = cat.points;
            target.span = cat.span;
            replace_or_add(&mut target.groups, cat.groups, |g| g.name.value.clone());
            replace_or_add(&mut target.indicators, indicators, |i| {
                i.no.value.to_string()
            });
            target.allows.extend(cat.allows);
        }
        None => base.categories.push(ast::Category { indicators, ..cat }),
    }
}

/// The error and warning counts of a list of diagnostics.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    (
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
    )
}
