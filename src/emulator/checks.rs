//! Field checks of request bodies that no definition holds (apps, VPC channels), so no rule of
//! the linter states them: lengths, first characters and character sets, number ranges and
//! enumerations, each answered as the gateway does (APIG.2011, APIG.2012).

use super::ApiError;

/// The answer of a check: the first violation.
pub(super) type Check = Result<(), ApiError>;

/// Whether `c` is an ASCII letter or digit or one of `extra`.
fn allowed(c: char, extra: &str) -> bool {
    c.is_ascii_alphanumeric() || extra.contains(c)
}

/// What the first character of a value may be.
#[derive(Clone, Copy)]
pub(super) enum First {
    /// A letter.
    Letter,
    /// A letter or a digit.
    LetterOrDigit,
    /// Any character the value may hold.
    Any,
}

/// A length in characters of `min..=max`, the first character as `first` says, every other
/// one a letter, a digit or one of `extra`: ASCII, as the linter's name rules are (a VPC
/// channel the emulator takes is one `apig-backend-vpc-channel-name` lets a definition name).
pub(super) fn text(
    param: &str,
    value: &str,
    (min, max): (usize, usize),
    first: First,
    extra: &str,
) -> Check {
    let count = value.chars().count();
    if count < min || count > max {
        return Err(ApiError::invalid(
            param,
            &format!("{min} to {max} characters"),
        ));
    }
    let start = value.chars().next();
    let refused = match first {
        First::Letter => start
            .is_some_and(|c| !c.is_ascii_alphabetic())
            .then_some("a letter"),
        First::LetterOrDigit => start
            .is_some_and(|c| !c.is_ascii_alphanumeric())
            .then_some("a letter or digit"),
        First::Any => None,
    };
    if let Some(what) = refused {
        return Err(ApiError::invalid(param, &format!("must start with {what}")));
    }
    match value.chars().find(|c| !allowed(*c, extra)) {
        Some(bad) => Err(ApiError::invalid(
            param,
            &format!("character `{bad}` not allowed; letters, digits and `{extra}` are"),
        )),
        None => Ok(()),
    }
}

/// A text of at most `max` characters (absent is fine).
pub(super) fn at_most(param: &str, value: Option<&str>, max: usize) -> Check {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid(
            param,
            &format!("at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn within(param: &str, value: Option<i64>, min: i64, max: i64) -> Check {
    match value {
        Some(v) if v < min || v > max => Err(ApiError::invalid(
            param,
            &format!("between {min} and {max}"),
        )),
        _ => Ok(()),
    }
}

/// An enumeration value outside its list: APIG.2012, as for the other families' enumerations.
pub(super) fn one_of<T: PartialEq + std::fmt::Debug>(
    param: &str,
    value: &T,
    values: &[T],
) -> Check {
    if values.contains(value) {
        Ok(())
    } else {
        Err(ApiError::malformed(
            param,
            &format!("{value:?} is not one of {values:?}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_follow_length_first_character_and_character_set() {
        assert!(text("name", "ok_1", (3, 64), First::Letter, "_").is_ok());
        assert_eq!(
            text("name", "1ab", (3, 64), First::Letter, "_")
                .unwrap_err()
                .code,
            "APIG.2011"
        );
        assert!(text("name", "ab", (3, 64), First::Letter, "_").is_err());
        assert!(text("name", "ab cd", (3, 64), First::Letter, "_").is_err());
        assert!(text("name", "été", (3, 64), First::Letter, "_").is_err());
        assert!(text("name", "1ab", (3, 64), First::LetterOrDigit, "_").is_ok());
    }
}
