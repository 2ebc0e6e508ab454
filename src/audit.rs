//! Audit: does a saved JSON report still match what the same inputs give today?
//!
//! A report carries what it was made from: the rule set id and version, the digest of the
//! resolved rules (every file they were built from), the digests of the submission and of the
//! reference file, and the tool version. `zhibiao verify` re-runs the evaluation from those
//! inputs and compares the fresh report with the saved one, field by field, with
//! [`compare_reports`]. File names are not compared (the same file may be reached by another
//! path); the digests say whether the files are the same.

use serde_json::Value;

/// Keys whose values are file paths, or say how a file was found: not compared.
const PATH_KEYS: &[&str] = &["file", "reference_file", "reference_origin"];

/// One place where two reports differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where, as a path into the JSON (`indicators[3].score`, the bracket holding the element's
    /// `id`, `name`, `key` or `text` where it has one, else its position).
    pub path: String,
    /// The value in the saved report (`（无）` when absent).
    pub saved: String,
    /// The value in the fresh report.
    pub fresh: String,
}

impl Difference {
    /// What the path means, in Chinese, for the fields people ask about first.
    pub fn what(&self) -> String {
        let p = self.path.as_str();
        let named = match p {
            "total" => Some("总分"),
            "max" => Some("满分"),
            "passed" => Some("是否合格"),
            "tool" => Some("生成报告的工具版本"),
            "ruleset.id" => Some("规则集编号"),
            "ruleset.version" => Some("规则版本"),
            "ruleset.digest" => Some("规则摘要"),
            "submission.digest" => Some("申报文件摘要"),
            "submission.reference_digest" => Some("参照文件摘要"),
            "submission.region" => Some("地区"),
            "submission.year" => Some("评估年度"),
            _ => None,
        };
        if let Some(n) = named {
            return format!("{n}（{p}）");
        }
        if let Some(rest) = p.strip_prefix("indicators[")
            && let Some((id, field)) = rest.split_once(']')
        {
            let field = field.trim_start_matches('.');
            let f = match field {
                "score" => "得分",
                "status" => "状态",
                "explanation" => "说明",
                _ => field,
            };
            return format!("指标 {id} 的{f}（{p}）");
        }
        if let Some(rest) = p.strip_prefix("categories[")
            && let Some((name, field)) = rest.split_once(']')
        {
            let field = field.trim_start_matches('.');
            let f = match field {
                "score" => "得分",
                "rate" => "得分率",
                "passed" => "是否达标",
                _ => field,
            };
            return format!("一级指标“{name}”的{f}（{p}）");
        }
        p.to_string()
    }
}

/// Every difference between a saved report and a fresh one, in document order.
pub fn compare_reports(saved: &Value, fresh: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    compare(String::new(), Some(saved), Some(fresh), &mut out);
    out
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "（无）".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The label of an array element: its `id`, `name`, `key` or `text`, else its position.
fn label(v: Option<&Value>, i: usize) -> String {
    let Some(Value::Object(m)) = v else {
        return i.to_string();
    };
    for k in ["id", "name", "key", "text", "owner"] {
        if let Some(Value::String(s)) = m.get(k) {
            return s.clone();
        }
    }
    i.to_string()
}

fn compare(path: String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Difference>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys = x
                .keys()
                .chain(y.keys().filter(|k| !x.contains_key(*k)))
                .filter(|k| !PATH_KEYS.contains(&k.as_str()));
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                compare(p, x.get(k), y.get(k), out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            for i in 0..x.len().max(y.len()) {
                let l = label(x.get(i).or(y.get(i)), i);
                compare(format!("{path}[{l}]"), x.get(i), y.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference {
            path,
            saved: shown(a),
            fresh: shown(b),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_are_ignored_and_labels_name_elements() {
        let saved = json!({
            "ruleset": { "digest": "sha256:a", "file": "x/2023.zb" },
            "indicators": [ { "id": "3", "score": "2" }, { "id": "4", "score": "1" } ]
        });
        let fresh = json!({
            "ruleset": { "digest": "sha256:a", "file": "y/2023.zb" },
            "indicators": [ { "id": "3", "score": "1" }, { "id": "4", "score": "1" } ]
        });
        let d = compare_reports(&saved, &fresh);
        assert_eq!(
            d,
            vec![Difference {
                path: "indicators[3].score".into(),
                saved: "2".into(),
                fresh: "1".into()
            }]
        );
        assert_eq!(d[0].what(), "指标 3 的得分（indicators[3].score）");
    }

    #[test]
    fn missing_and_extra_fields_are_differences() {
        let d = compare_reports(&json!({ "a": 1 }), &json!({ "b": 1 }));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].fresh, "（无）");
        assert_eq!(d[1].saved, "（无）");
    }
}
