use apigctl::source::*;
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let mut sources = Sources::new();
        let doc = load_bytes(
            "x".into(),
            None,
            bytes.clone(),
            &mut sources,
            &Limits::default(),
        )
        .unwrap();
        let a = t.elapsed();
        let t = Instant::now();
        let v: serde_json::Value = if path.ends_with(".json") {
            serde_json::from_slice(&bytes).unwrap()
        } else {
            serde_json::Value::Null
        };
        let b = t.elapsed();
        println!(
            "spanned {:?}  serde_json {:?} {}",
            a,
            b,
            matches!(doc.root.value, Value::Map(_)) && !v.is_null()
        );
    }
}
