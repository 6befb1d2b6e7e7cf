//! Option validation errors and paas-charm's exact way of reporting them (frameworks.md §4.6).

use std::collections::BTreeSet;

/// One validation problem: where (option name or dotted location) and whether the value is
/// missing or invalid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// A required value is absent.
    Missing(String),
    /// A value is present but not acceptable.
    Invalid(String),
}

/// Options that failed validation. Its `Display` is the Blocked message paas-charm sets.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{}", short_message(.problems))]
pub struct ConfigError {
    /// The problems, de-duplicated.
    pub problems: BTreeSet<Problem>,
}

impl ConfigError {
    /// One invalid option.
    pub fn invalid(location: impl Into<String>) -> Self {
        Self {
            problems: BTreeSet::from([Problem::Invalid(location.into())]),
        }
    }

    /// One missing option.
    pub fn missing(location: impl Into<String>) -> Self {
        Self {
            problems: BTreeSet::from([Problem::Missing(location.into())]),
        }
    }

    /// Adds the problems of `other`.
    pub fn merge(&mut self, other: ConfigError) {
        self.problems.extend(other.problems);
    }

    /// Whether there is no problem.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), ConfigError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// paas-charm's short message: `missing options: a, b` + 8 spaces + (`, ` when both) +
/// `invalid options: c`. Names are sorted (paas-charm's order is a set's, so undefined).
pub fn short_message(problems: &BTreeSet<Problem>) -> String {
    let missing: Vec<&str> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::Missing(name) => Some(name.as_str()),
            Problem::Invalid(_) => None,
        })
        .collect();
    let invalid: Vec<&str> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::Invalid(name) => Some(name.as_str()),
            Problem::Missing(_) => None,
        })
        .collect();
    let a = if missing.is_empty() {
        String::new()
    } else {
        format!("missing options: {}", missing.join(", "))
    };
    let b = if invalid.is_empty() {
        String::new()
    } else {
        format!("invalid options: {}", invalid.join(", "))
    };
    let separator = if !missing.is_empty() && !invalid.is_empty() {
        ", "
    } else {
        ""
    };
    format!("{a}        {separator}{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_paas_charm_spacing() {
        assert_eq!(
            ConfigError::invalid("flask-env").to_string(),
            "        invalid options: flask-env"
        );
        let mut both = ConfigError::missing("non-optional-string");
        both.merge(ConfigError::invalid("non-optional-int"));
        assert_eq!(
            both.to_string(),
            "missing options: non-optional-string        , invalid options: non-optional-int"
        );
        let mut missing = ConfigError::missing("non-optional-string");
        missing.merge(ConfigError::missing("non-optional-int"));
        assert_eq!(
            missing.to_string(),
            "missing options: non-optional-int, non-optional-string        "
        );
        assert_eq!(
            ConfigError::invalid("").to_string(),
            "        invalid options: "
        );
    }
}
