//! The charmcraft.yaml checks `pack` makes before anything else, as Charmcraft 4.x's project
//! model would: no unknown top-level keys, the keys it requires, `type: charm`, a `base` and
//! `platforms` (or `bases`), and no `extensions:` (refused beside the charm's custom Rust part).
//! What the charm's framework and integrations need is the requirements checker's job.

use serde_json::{Map, Value};

/// The top-level keys Charmcraft 4.x accepts in a charm's charmcraft.yaml (its `Charm` project
/// model; `extensions` is refused separately, with its reason).
pub const KNOWN_KEYS: &[&str] = &[
    "name",
    "type",
    "title",
    "summary",
    "description",
    "license",
    "base",
    "build-base",
    "bases",
    "platforms",
    "parts",
    "links",
    "actions",
    "assumes",
    "charmhub",
    "charm-libs",
    "charm-user",
    "config",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
    "analysis",
];

/// The keys a charm's charmcraft.yaml must have (besides `base`/`platforms` or `bases`).
pub const REQUIRED_KEYS: &[&str] = &["name", "type", "summary", "description", "parts"];

/// Every problem of the file's project keys, as sentences; empty when there is none.
pub fn problems(shown: &str, file: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(kind) = file.get("type") {
        if kind.as_str() != Some("charm") {
            let kind = kind
                .as_str()
                .map_or_else(|| kind.to_string(), str::to_string);
            out.push(format!(
                "{shown} says `type: {kind}`; a charm has `type: charm`"
            ));
        }
    }
    for key in file.keys() {
        if key == "extensions" {
            let used = match &file[key] {
                Value::Array(list) => list
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            out.push(format!(
                "{shown} uses `extensions: [{used}]`, which Charmcraft refuses beside the custom \
                 `charm` part that builds the charm's binary (\"the '{used}' extension is \
                 incompatible with customized charm part\"): remove `extensions:` and write the \
                 sections the charm's `metadata` command prints"
            ));
        } else if !KNOWN_KEYS.contains(&key.as_str()) {
            let hint = paas_charm_requirements::suggest::suggest(key, KNOWN_KEYS.iter().copied())
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            out.push(format!(
                "{shown} has the key `{key}`, which Charmcraft does not know{hint}: remove it"
            ));
        }
    }
    for key in REQUIRED_KEYS {
        if !file.contains_key(*key) {
            out.push(format!("{shown} lacks `{key}:`, which Charmcraft requires"));
        }
    }
    if !file.contains_key("bases") {
        for key in ["base", "platforms"] {
            if !file.contains_key(key) {
                out.push(format!(
                    "{shown} lacks `{key}:` (for example `base: ubuntu@24.04` and \
                     `platforms: {{amd64: }}`)"
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Map<String, Value> {
        match crate::yaml::parse(text).expect("yaml") {
            Value::Object(map) => map,
            _ => panic!("a mapping"),
        }
    }

    #[test]
    fn a_complete_file_has_no_problems() {
        let file = map(
            "name: x\ntype: charm\nsummary: s\ndescription: d\nbase: ubuntu@24.04\n\
             platforms: {amd64: }\nparts: {charm: {plugin: rust}}\n",
        );
        assert_eq!(problems("c.yaml", &file), Vec::<String>::new());
    }

    #[test]
    fn unknown_missing_and_refused_keys() {
        let file = map("name: x\ntype: bundle\nextensions: [flask-framework]\nrequire: {}\n");
        assert_eq!(
            problems("c.yaml", &file),
            [
                "c.yaml says `type: bundle`; a charm has `type: charm`".to_string(),
                "c.yaml uses `extensions: [flask-framework]`, which Charmcraft refuses beside \
                 the custom `charm` part that builds the charm's binary (\"the \
                 'flask-framework' extension is incompatible with customized charm part\"): \
                 remove `extensions:` and write the sections the charm's `metadata` command \
                 prints"
                    .to_string(),
                "c.yaml has the key `require`, which Charmcraft does not know (did you mean \
                 `requires`?): remove it"
                    .to_string(),
                "c.yaml lacks `summary:`, which Charmcraft requires".to_string(),
                "c.yaml lacks `description:`, which Charmcraft requires".to_string(),
                "c.yaml lacks `parts:`, which Charmcraft requires".to_string(),
                "c.yaml lacks `base:` (for example `base: ubuntu@24.04` and `platforms: \
                 {amd64: }`)"
                    .to_string(),
                "c.yaml lacks `platforms:` (for example `base: ubuntu@24.04` and `platforms: \
                 {amd64: }`)"
                    .to_string(),
            ]
        );
    }
}
