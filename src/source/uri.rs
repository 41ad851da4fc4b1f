//! URI reference resolution (RFC 3986 §5) for JSON Schema identifiers: `$id` and the `$ref`s
//! that name schemas by them.
//!
//! Written here rather than taken from a URI crate because references in OpenAPI documents
//! are often not strictly valid URIs (`#/paths/~1orders~1{id}`, spaces in file names), and a
//! strict parser would refuse what the rest of the loader reads. This follows RFC 3986's own
//! parsing (Appendix B), which accepts any string, and its resolution algorithm exactly.

use std::fmt::Write as _;
use std::path::Path;

/// A URI reference split into its five components (RFC 3986 Appendix B).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn split(text: &str) -> Parts<'_> {
    let (rest, fragment) = match text.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (text, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (scheme, rest) = match rest.split_once(':') {
        Some((scheme, after)) if is_scheme(scheme) => (Some(scheme), after),
        _ => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (Some(&after[..end]), &after[end..])
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// Whether `text` is a URI scheme. One letter is taken for a Windows drive (`C:/api.yaml`),
/// as the loader does for file references.
fn is_scheme(text: &str) -> bool {
    text.len() > 1
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Resolves `reference` against `base` (an absolute URI) as RFC 3986 §5.2.2 says, keeping
/// the reference's fragment.
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    let b = split(base);
    let r = split(reference);
    let (scheme, authority, path, query);
    let merged;
    if r.scheme.is_some() {
        scheme = r.scheme;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b.scheme;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    // §5.2.3
                    merged = if b.authority.is_some() && b.path.is_empty() {
                        format!("/{}", r.path)
                    } else {
                        match b.path.rfind('/') {
                            Some(i) => format!("{}{}", &b.path[..=i], r.path),
                            None => r.path.to_owned(),
                        }
                    };
                    remove_dot_segments(&merged)
                };
                query = r.query;
            }
        }
    }
    // §5.3
    let mut out = String::with_capacity(base.len() + reference.len());
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push(':');
    }
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(authority);
    }
    out.push_str(&path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = r.fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            let cut = output.rfind('/').unwrap_or(0);
            output.truncate(cut);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    output
}

/// `uri` without its fragment, and the fragment (`None` without `#`).
pub(crate) fn split_fragment(uri: &str) -> (&str, Option<&str>) {
    match uri.split_once('#') {
        Some((uri, fragment)) => (uri, Some(fragment)),
        None => (uri, None),
    }
}

/// The form two URIs (without fragment) are compared in: the scheme in lower case and
/// `%XX` escapes decoded, so `$id: 'https://example.com/a%20b'` and
/// `$ref: 'HTTPS://example.com/a b'` name the same schema.
pub(crate) fn key(uri: &str) -> String {
    let parts = split(uri);
    let decoded = super::refs::percent_decode(uri);
    match parts.scheme {
        Some(scheme) if scheme.bytes().any(|b| b.is_ascii_uppercase()) => {
            format!(
                "{}{}",
                scheme.to_ascii_lowercase(),
                &decoded[scheme.len().min(decoded.len())..]
            )
        }
        _ => decoded.into_owned(),
    }
}

/// `text` with every byte percent-encoded except the unreserved characters (RFC 3986 §2.3)
/// and those of `keep`, which the part of a URI it is written into holds as they are.
pub(crate) fn percent_encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b)
        {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The `file:` URI of a path: the base URI of a document read from it. `%`, `#` and `?`
/// are escaped, so that a directory named `a#b` is not read as a fragment.
pub(crate) fn file_uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3986 §5.4: every normal and abnormal example.
    #[test]
    fn rfc_3986_examples_resolve_as_the_rfc_says() {
        let base = "http://a/b/c/d;p?q";
        let cases = [
            // The RFC's `g:h`, with a two-letter scheme: one letter is taken for a drive.
            ("gg:h", "gg:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            ("g?y#s", "http://a/b/c/g?y#s"),
            (";x", "http://a/b/c/;x"),
            ("g;x", "http://a/b/c/g;x"),
            ("g;x?y#s", "http://a/b/c/g;x?y#s"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("../../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            (".g", "http://a/b/c/.g"),
            ("g..", "http://a/b/c/g.."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("g?y/../x", "http://a/b/c/g?y/../x"),
            ("g#s/./x", "http://a/b/c/g#s/./x"),
            ("g#s/../x", "http://a/b/c/g#s/../x"),
            ("http:g", "http:g"),
        ];
        for (reference, expected) in cases {
            assert_eq!(resolve(base, reference), expected, "{reference}");
        }
    }

    #[test]
    fn identifiers_resolve_against_file_and_urn_bases() {
        let doc = file_uri(Path::new("/api/v1/openapi.yaml"));
        assert_eq!(doc, "file:///api/v1/openapi.yaml");
        assert_eq!(
            resolve(&doc, "schemas/pet.json#foo"),
            "file:///api/v1/schemas/pet.json#foo"
        );
        assert_eq!(resolve(&doc, "#foo"), "file:///api/v1/openapi.yaml#foo");
        assert_eq!(
            resolve("https://example.com/schemas/pet", "tag"),
            "https://example.com/schemas/tag"
        );
        assert_eq!(resolve("urn:example:pet", "#foo"), "urn:example:pet#foo");
        // Not a strictly valid URI, resolved all the same.
        assert_eq!(
            resolve(&doc, "#/paths/~1orders~1{id}"),
            "file:///api/v1/openapi.yaml#/paths/~1orders~1{id}"
        );
        assert_eq!(
            file_uri(Path::new("/a#b/c?d%e.yaml")),
            "file:///a%23b/c%3Fd%25e.yaml"
        );
    }

    #[test]
    fn keys_ignore_the_scheme_case_and_escapes() {
        assert_eq!(
            key("HTTPS://example.com/a%20b"),
            key("https://example.com/a b")
        );
        assert_ne!(key("https://example.com/A"), key("https://example.com/a"));
        assert_eq!(split("urn:example:pet").scheme, Some("urn"));
        // A drive letter is no scheme.
        assert_eq!(split("C:/api/pet.yaml").scheme, None);
        assert_eq!(split("pet.yaml#foo").scheme, None);
        assert_eq!(split_fragment("a.yaml#foo"), ("a.yaml", Some("foo")));
        assert_eq!(split_fragment("a.yaml"), ("a.yaml", None));
    }
}
