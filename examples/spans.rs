use apigctl::source::*;
fn main() {
    let text = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(text).unwrap();
    let mut sources = Sources::new();
    let doc = load_bytes(
        "x".into(),
        None,
        text.into_bytes(),
        &mut sources,
        &Limits::default(),
    );
    match doc {
        Ok(doc) => walk(&doc.root, &sources.file(doc.file).text, ""),
        Err(e) => println!("{e:?}"),
    }
}
fn walk(n: &Node, t: &str, p: &str) {
    println!("{p:20} {:?} {:?}", n.span, &t[n.span.range()]);
    match &n.value {
        Value::Map(m) => {
            for e in &m.entries {
                println!(
                    "{:20} KEY {:?} {:?}",
                    format!("{p}/{}", e.key.name),
                    e.key.span,
                    &t[e.key.span.range()]
                );
                walk(&e.value, t, &format!("{p}/{}", e.key.name));
            }
        }
        Value::Seq(s) => {
            for (i, c) in s.iter().enumerate() {
                walk(c, t, &format!("{p}/{i}"));
            }
        }
        _ => {}
    }
}
