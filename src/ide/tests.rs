use super::*;

const OFFICIAL: &str = include_str!("../../rules/sd-nmsz/2023.zb");

fn official() -> Analysis {
    Analysis::standalone(&Arc::from("rules/sd-nmsz/2023.zb"), OFFICIAL)
}

fn at(text: &str, needle: &str, k: usize) -> usize {
    text.find(needle).unwrap() + k
}

#[test]
fn hover_shows_the_exact_value_of_a_magnitude() {
    let a = official();
    let off = at(OFFICIAL, "3亿元)", 1);
    let h = a.hover(off).unwrap();
    assert_eq!(&OFFICIAL[h.span.start..h.span.end], "3亿元");
    assert!(h.markdown.contains("300,000,000"), "{}", h.markdown);
}

fn edited(from: &str, to: &str) -> (String, Analysis) {
    assert!(OFFICIAL.contains(from));
    let text = OFFICIAL.replacen(from, to, 1);
    let a = Analysis::standalone(&Arc::from("rules/sd-nmsz/2023.zb"), &text);
    (text, a)
}

fn applied(text: &str, fix: &Fix) -> String {
    let mut out = text.to_string();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.text);
    }
    out
}

#[test]
fn a_misspelt_name_is_fixed_to_the_declared_one() {
    let (text, a) = edited("score tiers share overlap", "score tiers shar overlap");
    let at = text.find("tiers shar ").unwrap() + "tiers ".len();
    let fixes = a.fixes(Span::new(at, at));
    let fix = fixes
        .iter()
        .find(|f| f.code == codes::UNKNOWN_NAME)
        .unwrap();
    assert_eq!(fix.title, "改为 share");
    assert_eq!(applied(&text, fix), OFFICIAL);
}

#[test]
fn a_bare_number_compared_with_a_percentage_gets_its_percent_sign() {
    let (text, a) = edited("[8%, 15%] => 1", "[8, 15%] => 1");
    let at = text.find("[8, 15%]").unwrap() + 1;
    let problems = a.problems();
    assert!(problems.iter().any(|p| p.code == "ZB205"), "{problems:?}");
    let fixes = a.fixes(Span::new(at, at));
    let fix = fixes.iter().find(|f| f.code == "ZB205").unwrap();
    assert_eq!(fix.title, "补上 %：8%");
    assert_eq!(applied(&text, fix), OFFICIAL);
}

#[test]
fn an_allow_fix_acknowledges_the_finding() {
    let (text, a) = edited("score tiers share overlap higher", "score tiers share");
    let at = text.find("[15%, ..)").unwrap();
    let fixes = a.fixes(Span::new(at, at));
    let fix = fixes
        .iter()
        .find(|f| f.title.starts_with("加上 allow ZB401"))
        .unwrap();
    let after = applied(&text, fix);
    let b = Analysis::standalone(&Arc::from("rules/sd-nmsz/2023.zb"), &after);
    assert!(
        !b.problems().iter().any(|p| p.code == "ZB401"),
        "{:?}",
        b.problems()
    );
}

#[test]
fn rename_refuses_a_taken_name() {
    let a = official();
    let at = OFFICIAL.find("input online_operators").unwrap() + "input ".len();
    assert_eq!(
        a.rename(at, "market_entities"),
        Err(RenameError::Taken("market_entities".to_string()))
    );
}

#[test]
fn a_tier_gap_is_closed_and_linting_again_finds_nothing_new() {
    // Indicator 3 without its shared bound: 15% falls between the two tiers.
    let (text, a) = edited(
        "score tiers share overlap higher {\n      [8%, 15%] => 1\n      [15%, ..) => 2",
        "score tiers share {\n      [8%, 15%) => 1\n      (15%, ..) => 2",
    );
    let before: Vec<&str> = a.problems().iter().map(|p| p.code).collect();
    assert_eq!(before, ["ZB403", "ZB405"], "{:?}", a.problems());
    let at = text.find("(15%, ..)").unwrap();
    let fixes = a.fixes(Span::new(at, at));
    let gap_fixes: Vec<&Fix> = fixes
        .iter()
        .filter(|f| f.title.starts_with("补上分档缺口"))
        .collect();
    let titles: Vec<&str> = gap_fixes.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "补上分档缺口：把 (15%, ..) 改为 [15%, ..)",
            "补上分档缺口：把 [8%, 15%) 改为 [8%, 15%]",
        ]
    );
    assert!(gap_fixes[0].preferred && !gap_fixes[1].preferred);
    for (fix, tiers) in gap_fixes.iter().zip([
        "[8%, 15%) => 1\n      [15%, ..) => 2",
        "[8%, 15%] => 1\n      (15%, ..) => 2",
    ]) {
        let after = applied(&text, fix);
        assert!(after.contains(tiers), "{after}");
        let b = Analysis::standalone(&Arc::from("rules/sd-nmsz/2023.zb"), &after);
        assert_eq!(b.problems(), Vec::new(), "{}", fix.title);
    }
}

#[test]
fn a_wide_tier_gap_is_closed_from_either_side() {
    // [3%, 4%) and [5%, ..): the values from 4% up to 5% are in no tier.
    let (text, a) = edited(
        "score tiers employment_share overlap higher {\n      [3%, 5%] => 1",
        "score tiers employment_share {\n      [3%, 4%) => 1",
    );
    let gap = a.problems();
    assert!(gap.iter().any(|p| p.code == "ZB403"), "{gap:?}");
    let at = text.find("[3%, 4%)").unwrap();
    let fixes = a.fixes(Span::new(at, at));
    let gap_fixes: Vec<&Fix> = fixes
        .iter()
        .filter(|f| f.title.starts_with("补上分档缺口"))
        .collect();
    assert_eq!(gap_fixes.len(), 2, "{fixes:?}");
    assert_eq!(
        gap_fixes[0].title,
        "补上分档缺口：把 [5%, ..) 改为 [4%, ..)"
    );
    assert_eq!(
        gap_fixes[1].title,
        "补上分档缺口：把 [3%, 4%) 改为 [3%, 5%)"
    );
    for fix in gap_fixes {
        let b = Analysis::standalone(&Arc::from("rules/sd-nmsz/2023.zb"), &applied(&text, fix));
        assert!(
            !b.problems().iter().any(|p| p.code.starts_with("ZB40")),
            "{}: {:?}",
            fix.title,
            b.problems()
        );
    }
}

#[test]
fn tiers_that_meet_get_no_gap_fix() {
    let (text, a) = edited("score tiers share overlap higher", "score tiers share");
    let at = text.find("[15%, ..)").unwrap();
    assert!(!a.fixes(Span::new(at, at)).iter().any(|f| f.code == "ZB403"));
}
