use std::sync::Arc;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let name: Arc<str> = Arc::from(path.as_str());
    let (file, diags) = zhibiao::syntax::parse(&name, &text);
    let mut sm = zhibiao::diag::SourceMap::new();
    sm.add(&name, &Arc::from(text.as_str()));
    println!("{}", zhibiao::diag::render_all(&diags, &sm, Default::default()));
    println!("inputs {} fns {} checks {} cats {} inds {}", file.inputs.len(), file.fns.len(), file.checks.len(), file.categories.len(), file.categories.iter().map(|c| c.indicators.len()).sum::<usize>());
}
