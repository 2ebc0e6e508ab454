//! Every diagnostic code, listed once.
//!
//! `E…` codes are errors in a rule file, `S…` codes are problems with a submission or a
//! reference file, `T…` codes problems with a test file of `zhibiao test`, `ZB7…` codes findings
//! about rule versions (dates, `extends`, `accepts`). Lint checks have `ZB…` codes, listed in
//! `crate::lint::CHECKS`. A code never changes meaning once published.

/// An internal error: the parse tree lacks a part the grammar guarantees (a defect of zhibiao,
/// to be reported; the rule file is unusable).
pub const INTERNAL: &str = "E000";
/// The text does not follow the grammar.
pub const SYNTAX: &str = "E001";
/// A number, date or unit that cannot be read (`15%%`, `3亿亿`, `2023-13-01`).
pub const LITERAL: &str = "E002";
/// Something declared twice: a header field, a name, an indicator number, an item number.
pub const DUPLICATE: &str = "E003";
/// A file over the size or nesting limits.
pub const LIMIT: &str = "E004";
/// A name that is not declared.
pub const UNKNOWN_NAME: &str = "E101";
/// A function called with the wrong number of arguments, or a value of the wrong kind.
pub const BAD_CALL: &str = "E102";
/// A rule set without something it must have (a header, a pass rule, a score form, points).
pub const MISSING: &str = "E103";
/// A Rhai script that does not compile.
pub const SCRIPT: &str = "E104";
/// A pass condition that names an unknown category.
pub const UNKNOWN_CATEGORY: &str = "E105";
/// A construct used where it cannot work (items without points, judged items inside a tier).
pub const MISUSE: &str = "E106";

/// The submission file cannot be read (not TOML/JSON, wrong top-level shape).
pub const SUB_SYNTAX: &str = "S001";
/// A key that no input or judgement declares.
pub const SUB_UNKNOWN_KEY: &str = "S002";
/// A value of the wrong kind (text for a count, a fraction for a count, a negative amount).
pub const SUB_KIND: &str = "S003";
/// A bare number above 1 for a percent: 96.5 could be 96.5% or 9650%.
pub const SUB_AMBIGUOUS_PERCENT: &str = "S004";
/// A value outside its declared range (a rate above 100%).
pub const SUB_RANGE: &str = "S005";
/// The same key with different values in the submission and the reference file.
pub const SUB_CONFLICT: &str = "S006";
/// An input the rules need is missing (an error only in strict mode).
pub const SUB_MISSING: &str = "S007";
/// A judgement for an item that is computed from data, or a malformed judgement.
pub const SUB_JUDGEMENT: &str = "S008";
/// A judgement that was not given (an error only in strict mode).
pub const SUB_NOT_SUBMITTED: &str = "S009";
/// A data check of the rule file failed.
pub const SUB_CHECK: &str = "S010";
/// A submission over the size limits.
pub const SUB_LIMIT: &str = "S011";
/// A spreadsheet that does not have the template's layout (a sheet, a header or a key missing,
/// a value in the wrong column, the same item in two rows).
pub const SUB_SHEET: &str = "S012";
/// A rule folder holds two reference files for one evaluation year.
pub const SUB_REFERENCE_AMBIGUOUS: &str = "S013";

/// A test file of `zhibiao test` that cannot be used (not TOML, unknown keys, wrong values).
pub const TEST_FILE: &str = "T001";

/// Two files declare the same rule set and version.
pub const VERSION_DUPLICATE: &str = "ZB701";
/// A version whose `until` date is before its `effective` date.
pub const VERSION_DATES: &str = "ZB702";
/// Two versions of a set in force on the same day (overlapping periods or the same start).
pub const VERSION_OVERLAP: &str = "ZB703";
/// Days between two versions of a set when neither is in force.
pub const VERSION_GAP: &str = "ZB704";
/// A version without an `effective` date cannot be picked by date.
pub const VERSION_NO_DATE: &str = "ZB705";
/// `extends` or `accepts` names a version that cannot be found.
pub const EXTENDS_UNKNOWN: &str = "ZB706";
/// `extends` (or `accepts`) leads back to a file already in the chain.
pub const EXTENDS_CYCLE: &str = "ZB707";
/// A revision that does not fit its base: removing what is not there, moving an indicator to
/// another category without removing it first, `remove` without `extends`.
pub const OVERRIDE_CONFLICT: &str = "ZB708";
/// A revision that takes effect before the version it builds on.
pub const EXTENDS_ORDER: &str = "ZB709";
/// A file whose name or folder does not match the version or set it declares.
pub const VERSION_LAYOUT: &str = "ZB710";
/// An input declared differently from the rule set named by `accepts`.
pub const ACCEPTS_MISMATCH: &str = "ZB711";
/// A file on disk that declares a built-in version's set and version with other content: a
/// revision that `extends` that version builds on the file on disk, not on the built-in one.
pub const BUILTIN_SHADOWED: &str = "ZB712";

/// Every code with a one-line description, for `--help` and the docs.
pub const ALL: &[(&str, &str)] = &[
    (SYNTAX, "语法错误"),
    (LITERAL, "无法识别的数值、日期或单位"),
    (DUPLICATE, "重复定义"),
    (LIMIT, "超出文件大小或嵌套层数上限"),
    (UNKNOWN_NAME, "未声明的名称"),
    (BAD_CALL, "函数参数个数或数据类型不符"),
    (MISSING, "缺少必需的内容"),
    (SCRIPT, "脚本无法编译"),
    (UNKNOWN_CATEGORY, "合格规则引用了不存在的一级指标"),
    (MISUSE, "写法用错了位置"),
    (SUB_SYNTAX, "申报文件格式错误"),
    (SUB_UNKNOWN_KEY, "未知的填报项"),
    (SUB_KIND, "数据类型不符"),
    (SUB_AMBIGUOUS_PERCENT, "百分比写法有歧义"),
    (SUB_RANGE, "数值超出允许范围"),
    (SUB_CONFLICT, "申报文件与参照文件数值冲突"),
    (SUB_MISSING, "缺少数据"),
    (SUB_JUDGEMENT, "评审结论填写有误"),
    (SUB_NOT_SUBMITTED, "评审结论未提交"),
    (SUB_CHECK, "数据校验未通过"),
    (SUB_LIMIT, "申报文件超出大小上限"),
    (TEST_FILE, "测试文件写法有误"),
    (SUB_SHEET, "电子表格的结构与模板不符"),
    (
        SUB_REFERENCE_AMBIGUOUS,
        "规则目录中同一评估年度有两个全省参照数据文件",
    ),
    (VERSION_DUPLICATE, "同一规则集的同一版本出现在两个文件里"),
    (VERSION_DATES, "截止日期早于生效日期"),
    (VERSION_OVERLAP, "同一规则集的两个版本生效期重叠"),
    (VERSION_GAP, "同一规则集的两个版本之间有空档"),
    (VERSION_NO_DATE, "版本没有生效日期，无法按日期选用"),
    (EXTENDS_UNKNOWN, "extends 或 accepts 指向的版本找不到"),
    (EXTENDS_CYCLE, "extends 形成循环"),
    (OVERRIDE_CONFLICT, "修订版与所基于的版本冲突"),
    (EXTENDS_ORDER, "修订版早于所基于的版本生效"),
    (
        BUILTIN_SHADOWED,
        "本地文件与内置的同一版本内容不同，修订版基于本地文件",
    ),
    (
        VERSION_LAYOUT,
        "文件名或目录名与声明的版本或规则集编号不一致",
    ),
    (ACCEPTS_MISMATCH, "输入项与 accepts 所指规则集的声明不一致"),
];
