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
