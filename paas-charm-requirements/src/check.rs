//! The one checker of a charm's `charmcraft.yaml` against what its attribute needs: the
//! framework's container, relations, actions and options, each listed integration's endpoint,
//! the option types and defaults (as Charmcraft's `JujuConfig` validates them), endpoints of
//! paas-charm interfaces the attribute does not list, and `extensions:` (which Charmcraft
//! refuses beside the custom `charm` part a paas-charm-rs charm is built with).
//!
//! Every problem is a [`Finding`]: what kind it is, where in the YAML, what is wrong and how to
//! fix it, and which part of the attribute it concerns. The `#[paas_charm]` attribute turns
//! findings into spanned compile errors; the charm binary's `metadata --check` and
//! `cargo paas-charm pack` print them. All three word them alike, because the words are here.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use crate::file::{self, Charmcraft, LoadError};
use crate::{render, DefaultValue, FrameworkSpec, IntegrationSpec, OptionType};

/// What the attribute says, as the checker needs it.
#[derive(Debug, Clone, Default)]
pub struct Attribute<'a> {
    /// The framework, when the attribute names a known one.
    pub framework: Option<&'static FrameworkSpec>,
    /// The listed integrations, in attribute order, each with the endpoint `endpoints(...)`
    /// gives it (when it does).
    pub integrations: Vec<Listed<'a>>,
    /// Whether every name in `integrations(...)` was known (otherwise the "not listed" check
    /// would only repeat the unknown-name errors).
    pub integrations_complete: bool,
    /// `unhandled_endpoints(...)`.
    pub unhandled: Vec<&'a str>,
}

/// An integration the attribute lists.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    /// Its entry in the table.
    pub spec: &'static IntegrationSpec,
    /// The endpoint `endpoints(name = "...")` binds it to, when given.
    pub endpoint: Option<&'a str>,
}

/// What kind of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A section, endpoint, option or action the charm needs is absent.
    Missing,
    /// It is there, but declared differently from what the charm needs.
    Different,
    /// An option's `type:` is absent or not one Juju knows.
    OptionType,
    /// An option's `default:` does not match its `type:` (Charmcraft refuses the file).
    OptionDefault,
    /// A user option is named with a prefix the framework reserves.
    ReservedName,
    /// An endpoint of a paas-charm interface the attribute does not list.
    UnlistedEndpoint,
    /// `unhandled_endpoints(...)` names an endpoint that is not declared, or is handled.
    UnhandledEndpoint,
    /// `extensions:` (Charmcraft refuses it beside a custom charm part).
    Extension,
}

impl Kind {
    /// The kind as printed (`missing`, `option-default`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Missing => "missing",
            Kind::Different => "different",
            Kind::OptionType => "option-type",
            Kind::OptionDefault => "option-default",
            Kind::ReservedName => "reserved-name",
            Kind::UnlistedEndpoint => "unlisted-endpoint",
            Kind::UnhandledEndpoint => "unhandled-endpoint",
            Kind::Extension => "extension",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The part of the attribute a finding concerns (where the macro points its error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// `framework = "..."`.
    Framework,
    /// The integration of this name (`postgresql`, `http-proxy`) in `integrations(...)`.
    Integration(&'static str),
    /// The `integrations` key itself.
    IntegrationsKey,
    /// This entry of `unhandled_endpoints(...)`.
    Unhandled(String),
}

/// One problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem.
    pub kind: Kind,
    /// Where, as a dotted path in the YAML (`requires.redis`, `config.options.app-port`).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it (often YAML to write), or empty.
    pub fix: String,
    /// The part of the attribute it concerns.
    pub about: About,
}

impl fmt::Display for Finding {
    /// The message and the fix, as the compiler and `metadata --check` print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fix.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.message, self.fix)
        }
    }
}

/// Parses `text` and checks it against `attr`; `shown` names the file in messages.
///
/// ```
/// use paas_charm_requirements::check::{check_text, Attribute, Kind};
///
/// let attr = Attribute {
///     framework: paas_charm_requirements::framework("flask"),
///     integrations_complete: true,
///     ..Attribute::default()
/// };
/// let findings = check_text("charmcraft.yaml", "name: x\nextensions: [flask-framework]\n", &attr)
///     .expect("a mapping");
/// assert_eq!(findings[0].kind, Kind::Extension);
/// ```
pub fn check_text(
    shown: &str,
    text: &str,
    attr: &Attribute<'_>,
) -> Result<Vec<Finding>, LoadError> {
    let file = file::parse(text)?;
    Ok(check(shown, &file, attr))
}

/// Checks a parsed file against `attr`; `shown` names the file in messages.
pub fn check(shown: &str, file: &Charmcraft, attr: &Attribute<'_>) -> Vec<Finding> {
    let mut cx = Cx {
        file,
        shown: shown.to_string(),
        out: Vec::new(),
    };
    let refused = cx.extensions(attr);
    if let Some(fw) = attr.framework {
        if !refused {
            cx.container(fw);
            cx.core_relations();
            cx.actions(fw);
            cx.missing_options(fw);
        }
        cx.option_types(Some(fw));
        cx.reserved_prefixes(fw);
    } else {
        cx.option_types(None);
    }
    cx.integrations(attr);
    cx.out
}

struct Cx<'a> {
    file: &'a Charmcraft,
    shown: String,
    out: Vec<Finding>,
}

impl Cx<'_> {
    fn push(&mut self, kind: Kind, path: String, about: About, message: String, fix: String) {
        self.out.push(Finding {
            kind,
            path,
            message,
            fix,
            about,
        });
    }

    /// `extensions:` is refused: Charmcraft will not apply `<fw>-framework` to a charm with its
    /// own `charm` part (and a paas-charm-rs charm always has one: its Rust binary). Returns
    /// whether the file names an extension.
    fn extensions(&mut self, attr: &Attribute<'_>) -> bool {
        if self.file.extensions.is_empty() {
            return false;
        }
        let used = self.file.extensions.join(", ");
        let mut message = format!(
            "{} uses `extensions: [{used}]`, which Charmcraft refuses beside the custom `charm` \
             part that builds this charm's binary (\"the '{}' extension is incompatible with \
             customized charm part\")",
            self.shown, self.file.extensions[0]
        );
        if let Some(fw) = attr.framework {
            if let Some(other) = self
                .file
                .extensions
                .iter()
                .filter_map(|e| e.strip_suffix("-framework"))
                .find(|other| *other != fw.name)
            {
                let _ = write!(
                    message,
                    "; it also names the {other} framework, but #[paas_charm] says framework = \
                     \"{}\" (write framework = \"{other}\" if that is the charm's framework)",
                    fw.name
                );
            }
        }
        let fix = match attr.framework {
            Some(fw) => {
                let listed: Vec<&IntegrationSpec> =
                    attr.integrations.iter().map(|l| l.spec).collect();
                let mut sections = render::sections(fw, &listed);
                for l in &attr.integrations {
                    if let Some(endpoint) = l.endpoint {
                        sections = sections.replace(
                            &format!(
                                "\n  {}:\n    interface: {}\n",
                                l.spec.default_endpoint(),
                                l.spec.interface
                            ),
                            &format!("\n  {endpoint}:\n    interface: {}\n", l.spec.interface),
                        );
                    }
                }
                let mut fix = String::from(
                    "remove `extensions:` and write the sections the extension would add \
                     (what the charm's `metadata` command prints):\n",
                );
                for line in sections.lines() {
                    let _ = write!(fix, "\n    {line}");
                }
                fix
            }
            None => "remove `extensions:` and write the sections the charm's `metadata` \
                     command prints"
                .to_string(),
        };
        self.push(
            Kind::Extension,
            "extensions".into(),
            About::Framework,
            message,
            fix,
        );
        true
    }

    fn container(&mut self, fw: &FrameworkSpec) {
        let snippet = format!(
            "\n\n    containers:\n      {c}:\n        resource: {r}\n    resources:\n      {r}:\n        \
             type: oci-image",
            c = fw.container,
            r = fw.resource
        );
        match self.file.containers.get(fw.container) {
            None => {
                let hint = crate::FRAMEWORKS
                    .iter()
                    .find(|other| {
                        other.container != fw.container
                            && self.file.containers.contains_key(other.container)
                    })
                    .map(|other| {
                        format!(
                            " (it declares the `{}` container of the {} framework: did you mean \
                             framework = \"{}\"?)",
                            other.container, other.name, other.name
                        )
                    })
                    .unwrap_or_default();
                let message = format!(
                    "{} declares no `{}` container, which the {} framework runs the app \
                     in{hint}",
                    self.shown, fw.container, fw.name
                );
                self.push(
                    Kind::Missing,
                    format!("containers.{}", fw.container),
                    About::Framework,
                    message,
                    format!("add{snippet}"),
                );
                return;
            }
            Some(container) => {
                let resource = container.as_ref().and_then(|c| c.resource.as_deref());
                if resource != Some(fw.resource) {
                    let message = format!(
                        "the `{}` container in {} must use the resource `{}`",
                        fw.container, self.shown, fw.resource
                    );
                    self.push(
                        Kind::Different,
                        format!("containers.{}.resource", fw.container),
                        About::Framework,
                        message,
                        format!("write{snippet}"),
                    );
                    return;
                }
            }
        }
        let kind = self
            .file
            .resources
            .get(fw.resource)
            .map(|r| r.as_ref().and_then(|r| r.kind.as_deref()));
        if kind != Some(Some("oci-image")) {
            let message = format!(
                "{} must declare the `{}` container's image as an oci-image resource",
                self.shown, fw.container
            );
            let kind = if kind.is_none() {
                Kind::Missing
            } else {
                Kind::Different
            };
            self.push(
                kind,
                format!("resources.{}", fw.resource),
                About::Framework,
                message,
                format!(
                    "add\n\n    resources:\n      {}:\n        type: oci-image",
                    fw.resource
                ),
            );
        }
    }

    fn core_relations(&mut self) {
        let sections = [
            ("peers", &self.file.peers, crate::PEERS),
            ("requires", &self.file.requires, crate::REQUIRES),
            ("provides", &self.file.provides, crate::PROVIDES),
        ];
        let mut found = Vec::new();
        for (section, declared, needed) in sections {
            let mut missing = String::new();
            let mut missing_names = Vec::new();
            for relation in needed {
                match declared.get(relation.endpoint) {
                    None => {
                        missing_names.push(relation.endpoint);
                        missing.push_str(&relation_snippet(
                            relation.endpoint,
                            relation.interface,
                            false,
                            relation.limit,
                        ));
                    }
                    Some(have) if have.interface != relation.interface => {
                        found.push((
                            Kind::Different,
                            format!("{section}.{}.interface", relation.endpoint),
                            format!(
                                "the `{}` endpoint in {} has interface `{}`; paas-charm needs \
                                 `{}`",
                                relation.endpoint, self.shown, have.interface, relation.interface,
                            ),
                            format!(
                                "write\n\n    {section}:{}",
                                relation_snippet(
                                    relation.endpoint,
                                    relation.interface,
                                    false,
                                    relation.limit
                                )
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
            if !missing.is_empty() {
                let what = match section {
                    "peers" => "the peer relation every paas charm keeps its secret key in",
                    "requires" => "the endpoints every paas charm has (ingress and logging)",
                    _ => "the endpoints every paas charm has (metrics and dashboards)",
                };
                let path = if missing_names.len() == 1 {
                    format!("{section}.{}", missing_names[0])
                } else {
                    section.to_string()
                };
                found.push((
                    Kind::Missing,
                    path,
                    format!("{} lacks {what}", self.shown),
                    format!("add\n\n    {section}:{missing}"),
                ));
            }
        }
        for (kind, path, message, fix) in found {
            self.push(kind, path, About::Framework, message, fix);
        }
    }

    fn actions(&mut self, fw: &FrameworkSpec) {
        for action in fw.actions {
            let mut snippet = format!("\n\n    actions:\n      {}:", action.name);
            let _ = write!(snippet, "\n        description: {}", action.description);
            if !action.params.is_empty() {
                snippet.push_str("\n        params:");
                for p in action.params {
                    let _ = write!(
                        snippet,
                        "\n          {}:\n            type: {}",
                        p.name, p.kind
                    );
                }
                let _ = write!(
                    snippet,
                    "\n        required: [{}]",
                    action.required.join(", ")
                );
            }
            let path = format!("actions.{}", action.name);
            match self.file.actions.get(action.name) {
                None => {
                    let message = format!(
                        "{} declares no `{}` action, which the {} framework runs",
                        self.shown, action.name, fw.name
                    );
                    self.push(
                        Kind::Missing,
                        path,
                        About::Framework,
                        message,
                        format!("add{snippet}"),
                    );
                }
                Some(declared) => {
                    let declared = declared.as_ref();
                    let params_ok = action.params.iter().all(|p| {
                        declared
                            .and_then(|d| d.params.get(p.name))
                            .is_some_and(|found| {
                                found.as_ref().and_then(|f| f.kind.as_deref()) == Some(p.kind)
                            })
                    });
                    let required_ok = action
                        .required
                        .iter()
                        .all(|r| declared.is_some_and(|d| d.required.iter().any(|have| have == r)));
                    if params_ok && required_ok {
                        continue;
                    }
                    let message = format!(
                        "the `{}` action in {} must take the parameters the {} framework reads",
                        action.name, self.shown, fw.name
                    );
                    self.push(
                        Kind::Different,
                        path,
                        About::Framework,
                        message,
                        format!("write{snippet}"),
                    );
                }
            }
        }
    }

    fn missing_options(&mut self, fw: &FrameworkSpec) {
        let mut snippet = String::new();
        let mut names = Vec::new();
        let mut first = None;
        for option in fw.options {
            if !self.file.config.options.contains_key(option.name) {
                first.get_or_insert(option.name);
                names.push(format!("`{}`", option.name));
                snippet.push_str(&option_snippet(
                    option.name,
                    option.kind,
                    option.default.map(default_text).as_deref(),
                ));
            }
        }
        if names.is_empty() {
            return;
        }
        let path = match (names.len(), first) {
            (1, Some(name)) => format!("config.options.{name}"),
            _ => "config.options".to_string(),
        };
        let message = format!(
            "{} lacks the {} framework's option{} {}",
            self.shown,
            fw.name,
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        );
        self.push(
            Kind::Missing,
            path,
            About::Framework,
            message,
            format!("add\n\n    config:\n      options:{snippet}"),
        );
    }

    /// Each option's `type:` (known to Juju, and the framework's where it reads the option)
    /// and `default:` (a value of that type, as Charmcraft's `JujuConfig` validates it).
    fn option_types(&mut self, fw: Option<&FrameworkSpec>) {
        let mut found = Vec::new();
        for (name, option) in &self.file.config.options {
            let path = format!("config.options.{name}");
            let Some(written) = option.kind.as_deref() else {
                found.push((
                    Kind::OptionType,
                    format!("{path}.type"),
                    format!("option `{name}` in {} has no `type`", self.shown),
                    "write `type: string` (or int, float, boolean, secret)".to_string(),
                ));
                continue;
            };
            let Some(declared) = OptionType::from_name(written) else {
                let types = OptionType::ALL.map(OptionType::as_str);
                let hint = fw
                    .and_then(|fw| fw.option(name))
                    .map(|o| o.kind.as_str())
                    .or_else(|| crate::suggest::suggest(written, types))
                    .map(|t| format!("write `type: {t}`"))
                    .unwrap_or_default();
                found.push((
                    Kind::OptionType,
                    format!("{path}.type"),
                    format!(
                        "option `{name}` in {} has type `{written}`, which Juju does not know \
                         (its option types are {})",
                        self.shown,
                        types.join(", ")
                    ),
                    hint,
                ));
                continue;
            };
            if let Some(expected) = fw.and_then(|fw| fw.option(name).map(|o| (fw, o))) {
                let (fw, expected) = expected;
                if expected.kind != declared {
                    found.push((
                        Kind::Different,
                        format!("{path}.type"),
                        format!(
                            "option `{name}` in {} is declared `type: {written}`, but the {} \
                             framework reads it as {}",
                            self.shown,
                            fw.name,
                            article(expected.kind)
                        ),
                        format!(
                            "write\n\n    config:\n      options:{}",
                            option_snippet(
                                name,
                                expected.kind,
                                expected.default.map(default_text).as_deref()
                            )
                        ),
                    ));
                    continue;
                }
            }
            if let Some(default) = &option.default {
                if let Some(why) = default_mismatch(declared, default) {
                    found.push((
                        Kind::OptionDefault,
                        format!("{path}.default"),
                        format!(
                            "option `{name}` in {} is declared `type: {written}` with `default: \
                             {}`, which Charmcraft refuses: {why}",
                            self.shown,
                            yaml_text(default)
                        ),
                        "write a default of that type (or no `default:`), or change `type:`"
                            .to_string(),
                    ));
                }
            }
        }
        for (kind, path, message, fix) in found {
            self.push(kind, path, About::Framework, message, fix);
        }
    }

    /// User options named like the framework's own are never passed to the app.
    fn reserved_prefixes(&mut self, fw: &FrameworkSpec) {
        // Built with extend (one insert each), not collect: collecting sorts, and the standard
        // sort is about 4 KB of code in every charm binary (`metadata --check` runs this).
        let mut oauth = BTreeSet::new();
        oauth.extend(
            self.oauth_endpoints()
                .into_iter()
                .flat_map(|ep| fw.oauth_options(&ep).into_iter().map(|(name, _)| name)),
        );
        let mut reserved = Vec::new();
        let mut renamed = Vec::new();
        let mut first = None;
        for name in self.file.config.options.keys() {
            if fw.option(name).is_some() || oauth.contains(name) {
                continue;
            }
            if let Some(prefix) = fw
                .reserved_prefixes()
                .into_iter()
                .find(|p| name.starts_with(p.as_str()))
            {
                first.get_or_insert(name.clone());
                reserved.push(format!("`{name}`"));
                renamed.push(format!("`{}`", &name[prefix.len()..]));
            }
        }
        if reserved.is_empty() {
            return;
        }
        let (option, starts, it) = if reserved.len() == 1 {
            ("option", "starts", "it")
        } else {
            ("options", "start", "them")
        };
        let message = format!(
            "{option} {} in {} {starts} with a prefix the {} framework reserves for its own \
             options ({}), so paas-charm would not pass {it} to the app",
            reserved.join(", "),
            self.shown,
            fw.name,
            fw.reserved_prefixes()
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let path = match (reserved.len(), first) {
            (1, Some(name)) => format!("config.options.{name}"),
            _ => "config.options".to_string(),
        };
        self.push(
            Kind::ReservedName,
            path,
            About::Framework,
            message,
            format!("rename {it} (for example {})", renamed.join(", ")),
        );
    }

    fn oauth_endpoints(&self) -> Vec<String> {
        self.file
            .requires
            .iter()
            .filter(|(_, r)| r.interface == "oauth")
            .map(|(name, _)| name.clone())
            .collect()
    }

    fn integrations(&mut self, attr: &Attribute<'_>) {
        let listed: Vec<&'static IntegrationSpec> =
            attr.integrations.iter().map(|l| l.spec).collect();
        for l in &attr.integrations {
            self.listed_integration(l.spec, attr.framework, l.endpoint);
        }
        for name in &attr.unhandled {
            match self.file.requires.get(*name) {
                None => {
                    let message =
                        format!("{} declares no `requires` endpoint `{name}`", self.shown);
                    self.push(
                        Kind::UnhandledEndpoint,
                        format!("requires.{name}"),
                        About::Unhandled(name.to_string()),
                        message,
                        "remove it from unhandled_endpoints(...)".into(),
                    );
                }
                Some(relation) => {
                    if let Some(spec) = crate::integration_by_interface(&relation.interface)
                        .filter(|spec| listed.contains(spec))
                    {
                        let message = format!(
                            "`{name}` is handled by the `{}` integration listed in \
                             integrations(...)",
                            attr_name(spec)
                        );
                        self.push(
                            Kind::UnhandledEndpoint,
                            format!("requires.{name}"),
                            About::Unhandled(name.to_string()),
                            message,
                            "remove it from unhandled_endpoints(...)".into(),
                        );
                    }
                }
            }
        }
        if !attr.integrations_complete {
            return;
        }
        let mut ignored = Vec::new();
        let mut first = None;
        let mut names: Vec<String> = listed.iter().map(|spec| attr_name(spec)).collect();
        for (endpoint, relation) in &self.file.requires {
            let Some(spec) = crate::integration_by_interface(&relation.interface) else {
                continue;
            };
            if listed.contains(&spec) || attr.unhandled.contains(&endpoint.as_str()) {
                continue;
            }
            first.get_or_insert(endpoint.clone());
            ignored.push(format!("`{endpoint}` (interface `{}`)", relation.interface));
            if !names.contains(&attr_name(spec)) {
                names.push(attr_name(spec));
            }
        }
        if ignored.is_empty() {
            return;
        }
        let (these, them) = if ignored.len() == 1 {
            ("the endpoint", "it")
        } else {
            ("the endpoints", "them")
        };
        let message = format!(
            "{} declares {these} {} of paas-charm integrations that #[paas_charm] does not \
             list, so the charm would ignore those relations",
            self.shown,
            ignored.join(", "),
        );
        let fix = format!(
            "write integrations({}), or remove {them} from {}, or say the charm leaves {them} \
             alone with unhandled_endpoints(...)",
            names.join(", "),
            self.shown
        );
        let path = match (ignored.len(), first) {
            (1, Some(endpoint)) => format!("requires.{endpoint}"),
            _ => "requires".to_string(),
        };
        self.push(
            Kind::UnlistedEndpoint,
            path,
            About::IntegrationsKey,
            message,
            fix,
        );
    }

    fn listed_integration(
        &mut self,
        spec: &'static IntegrationSpec,
        framework: Option<&'static FrameworkSpec>,
        renamed: Option<&str>,
    ) {
        let about = About::Integration(spec.name);
        let Some(endpoint) = renamed.or(spec.endpoint) else {
            // OAuth: exactly one endpoint with interface `oauth`, any name.
            let endpoints = self.oauth_endpoints();
            match endpoints.as_slice() {
                [] => {
                    let message = format!(
                        "{} declares no `requires` endpoint with interface `oauth` for the \
                         oauth integration",
                        self.shown,
                    );
                    let fix = format!(
                        "add\n\n    requires:{}",
                        relation_snippet(spec.default_endpoint(), spec.interface, true, Some(1))
                    );
                    self.push(
                        Kind::Missing,
                        format!("requires.{}", spec.default_endpoint()),
                        about,
                        message,
                        fix,
                    );
                }
                [endpoint] => {
                    if let Some(fw) = framework {
                        self.oauth_options(fw, endpoint);
                    }
                }
                several => {
                    let message = format!(
                        "{} declares {} `requires` endpoints with interface `oauth` ({}); \
                         paas-charm handles exactly one",
                        self.shown,
                        several.len(),
                        several.join(", ")
                    );
                    self.push(
                        Kind::Different,
                        "requires".into(),
                        about,
                        message,
                        "keep one".into(),
                    );
                }
            }
            return;
        };
        let snippet = format!(
            "\n\n    requires:{}",
            relation_snippet(endpoint, spec.interface, true, Some(1))
        );
        let path = format!("requires.{endpoint}");
        let (kind, path, message, fix) = match self.file.requires.get(endpoint) {
            None => {
                let elsewhere = self
                    .file
                    .requires
                    .iter()
                    .find(|(_, r)| r.interface == spec.interface)
                    .map(|(name, _)| name.clone());
                match elsewhere {
                    Some(other) if renamed.is_some() => {
                        let or = if spec.endpoint == Some(other.as_str()) {
                            format!("remove `{}` from endpoints(...)", attr_name(spec))
                        } else {
                            format!("write endpoints({} = \"{other}\")", attr_name(spec))
                        };
                        (
                            Kind::Missing,
                            path,
                            format!(
                                "endpoints({} = \"{endpoint}\") binds the {} integration to \
                                 `{endpoint}`, but {} names its endpoint `{other}`",
                                attr_name(spec),
                                spec.name,
                                self.shown,
                            ),
                            format!("rename it:{snippet}\n\nor {or}"),
                        )
                    }
                    Some(other) => (
                        Kind::Missing,
                        path,
                        format!(
                            "paas-charm binds the {} integration to a `requires` endpoint named \
                             `{endpoint}`, but {} names it `{other}`",
                            spec.name, self.shown
                        ),
                        format!("rename it:{snippet}"),
                    ),
                    None => (
                        Kind::Missing,
                        path,
                        format!(
                            "{} declares no `requires` endpoint for the {} integration",
                            self.shown, spec.name
                        ),
                        format!("add{snippet}"),
                    ),
                }
            }
            Some(relation) if relation.interface != spec.interface => (
                Kind::Different,
                format!("{path}.interface"),
                format!(
                    "the `{endpoint}` endpoint in {} has interface `{}`; the {} integration \
                     needs `{}`",
                    self.shown, relation.interface, spec.name, spec.interface
                ),
                format!("write{snippet}"),
            ),
            Some(relation) if spec.needs_limit_one && relation.limit != Some(1) => (
                Kind::Different,
                format!("{path}.limit"),
                format!(
                    "the `{endpoint}` endpoint in {} must declare `limit: 1` (the {} library \
                     refuses any other)",
                    self.shown, spec.name
                ),
                format!("write{snippet}"),
            ),
            Some(_) => return,
        };
        self.push(kind, path, about, message, fix);
    }

    fn oauth_options(&mut self, fw: &FrameworkSpec, endpoint: &str) {
        let about = About::Integration("oauth");
        let mut missing = String::new();
        let mut names = Vec::new();
        for (name, default) in fw.oauth_options(endpoint) {
            match self.file.config.options.get(&name) {
                None => {
                    names.push(format!("`{name}`"));
                    missing.push_str(&option_snippet(&name, OptionType::String, Some(&default)));
                }
                Some(option) if option.kind.as_deref() != Some("string") => {
                    let message = format!(
                        "option `{name}` in {} must be a string, as the oauth integration \
                         reads it",
                        self.shown,
                    );
                    let fix = format!(
                        "write\n\n    config:\n      options:{}",
                        option_snippet(&name, OptionType::String, Some(&default))
                    );
                    self.push(
                        Kind::Different,
                        format!("config.options.{name}.type"),
                        about.clone(),
                        message,
                        fix,
                    );
                }
                Some(_) => {}
            }
        }
        if !names.is_empty() {
            let message = format!(
                "{} lacks the option{} {} that Charmcraft adds for the `{endpoint}` oauth \
                 endpoint",
                self.shown,
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            );
            self.push(
                Kind::Missing,
                "config.options".into(),
                about,
                message,
                format!("add\n\n    config:\n      options:{missing}"),
            );
        }
    }
}

/// Why `default` is not a value of `kind` as Charmcraft's `JujuConfig` (pydantic) validates it,
/// or `None` when it is: `int` takes integers only (StrictInt), `float` numbers and numeric
/// strings, `boolean` booleans, 0/1 and pydantic's yes/no words, `string` strings only,
/// `secret` a secret id (`secret:` and 20 lowercase letters or digits).
pub fn default_mismatch(kind: OptionType, default: &serde_yaml::Value) -> Option<&'static str> {
    use serde_yaml::Value;
    if default.is_null() {
        return None;
    }
    let ok = match kind {
        OptionType::Int => matches!(default, Value::Number(n) if n.is_i64() || n.is_u64()),
        OptionType::Float => match default {
            Value::Number(_) | Value::Bool(_) => true,
            Value::String(s) => s.trim().parse::<f64>().is_ok(),
            _ => false,
        },
        OptionType::Boolean => match default {
            Value::Bool(_) => true,
            Value::Number(n) => n.as_f64().is_some_and(|f| f == 0.0 || f == 1.0),
            Value::String(s) => matches!(
                s.to_lowercase().as_str(),
                "0" | "off" | "f" | "false" | "n" | "no" | "1" | "on" | "t" | "true" | "y" | "yes"
            ),
            _ => false,
        },
        OptionType::String => matches!(default, Value::String(_)),
        OptionType::Secret => match default {
            Value::String(s) => s.strip_prefix("secret:").is_some_and(|id| {
                id.len() == 20
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            }),
            _ => false,
        },
    };
    if ok {
        return None;
    }
    Some(match kind {
        OptionType::Int => "an `int` default must be a whole number, not quoted",
        OptionType::Float => "a `float` default must be a number",
        OptionType::Boolean => "a `boolean` default must be true or false",
        OptionType::String => "a `string` default must be a string (quote numbers and booleans)",
        OptionType::Secret => {
            "a `secret` default must be a secret id (`secret:` and 20 lowercase letters or digits)"
        }
    })
}

/// A YAML value as it would be written back, on one line (flow style).
fn yaml_text(value: &serde_yaml::Value) -> String {
    use serde_yaml::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(yaml_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", yaml_text(k), yaml_text(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, yaml_text(&tagged.value)),
    }
}

/// The name as written in `integrations(...)`.
pub fn attr_name(spec: &IntegrationSpec) -> String {
    spec.ident()
}

fn article(kind: OptionType) -> String {
    match kind {
        OptionType::Int => "an `int`".to_string(),
        other => format!("a `{}`", other.as_str()),
    }
}

fn default_text(default: DefaultValue) -> String {
    match default {
        DefaultValue::Str(s) => render::scalar(s),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Bool(b) => b.to_string(),
    }
}

fn relation_snippet(endpoint: &str, interface: &str, optional: bool, limit: Option<u32>) -> String {
    let mut s = format!("\n      {endpoint}:\n        interface: {interface}");
    if optional {
        s.push_str("\n        optional: true");
    }
    if let Some(limit) = limit {
        let _ = write!(s, "\n        limit: {limit}");
    }
    s
}

fn option_snippet(name: &str, kind: OptionType, default: Option<&str>) -> String {
    let mut s = format!("\n        {name}:\n          type: {}", kind.as_str());
    if let Some(default) = default {
        let default = if kind == OptionType::String && !default.starts_with('"') {
            render::scalar(default)
        } else {
            default.to_string()
        };
        let _ = write!(s, "\n          default: {default}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(framework: &str, integrations: &[&str]) -> Attribute<'static> {
        Attribute {
            framework: crate::framework(framework),
            integrations: integrations
                .iter()
                .map(|i| Listed {
                    spec: crate::integration_by_name(i).expect("known"),
                    endpoint: None,
                })
                .collect(),
            integrations_complete: true,
            unhandled: Vec::new(),
        }
    }

    fn sections(framework: &str, integrations: &[&str]) -> String {
        let specs: Vec<&IntegrationSpec> = integrations
            .iter()
            .map(|i| crate::integration_by_name(i).expect("known"))
            .collect();
        format!(
            "name: x\n{}",
            render::sections(crate::framework(framework).expect("known"), &specs)
        )
    }

    #[test]
    fn the_rendered_sections_pass_for_every_framework_and_integration() {
        let all: Vec<&str> = crate::INTEGRATIONS.iter().map(|i| i.name).collect();
        for fw in crate::FRAMEWORKS {
            let found =
                check_text("c.yaml", &sections(fw.name, &all), &attr(fw.name, &all)).expect("ok");
            assert_eq!(found, [], "{}", fw.name);
        }
    }

    #[test]
    fn defaults_are_checked_as_charmcraft_does() {
        use serde_yaml::Value;
        let v = |s: &str| serde_yaml::from_str::<Value>(s).expect("yaml");
        let int = OptionType::Int;
        assert_eq!(default_mismatch(int, &v("3")), None);
        assert!(default_mismatch(int, &v("\"abc\"")).is_some());
        assert!(default_mismatch(int, &v("\"3\"")).is_some());
        assert!(default_mismatch(int, &v("3.5")).is_some());
        assert!(default_mismatch(int, &v("true")).is_some());
        assert_eq!(default_mismatch(OptionType::Float, &v("3")), None);
        assert_eq!(default_mismatch(OptionType::Float, &v("\"2.5\"")), None);
        assert!(default_mismatch(OptionType::Float, &v("abc")).is_some());
        assert_eq!(default_mismatch(OptionType::Boolean, &v("false")), None);
        assert_eq!(default_mismatch(OptionType::Boolean, &v("\"on\"")), None);
        assert!(default_mismatch(OptionType::Boolean, &v("maybe")).is_some());
        assert_eq!(default_mismatch(OptionType::String, &v("\"8080\"")), None);
        assert!(default_mismatch(OptionType::String, &v("8080")).is_some());
        assert_eq!(
            default_mismatch(OptionType::Secret, &v("secret:abcdefghij0123456789")),
            None
        );
        assert!(default_mismatch(OptionType::Secret, &v("secret:ABC")).is_some());
        assert_eq!(default_mismatch(int, &v("null")), None);
    }

    #[test]
    fn a_bad_default_is_a_finding_at_its_path() {
        let text = sections("go", &[]).replace(
            "config:\n  options:\n",
            "config:\n  options:\n    workers:\n      type: int\n      default: \"abc\"\n",
        );
        let found = check_text("c.yaml", &text, &attr("go", &[])).expect("ok");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].kind, Kind::OptionDefault);
        assert_eq!(found[0].path, "config.options.workers.default");
        assert_eq!(
            found[0].to_string(),
            "option `workers` in c.yaml is declared `type: int` with `default: \"abc\"`, which \
             Charmcraft refuses: an `int` default must be a whole number, not quoted: write a \
             default of that type (or no `default:`), or change `type:`"
        );
    }

    #[test]
    fn an_extension_is_refused_with_the_sections_to_write() {
        let text = "name: x\nextensions: [django-framework]\nrequires:\n  postgresql:\n    \
                    interface: postgresql_client\n";
        let found = check_text("c.yaml", text, &attr("django", &["postgresql"])).expect("ok");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].kind, Kind::Extension);
        assert!(found[0].message.contains(
            "\"the 'django-framework' extension is incompatible with customized charm part\""
        ));
        assert!(found[0].fix.starts_with("remove `extensions:`"));
        assert!(
            found[0]
                .fix
                .contains("\n    containers:\n      django-app:\n"),
            "{}",
            found[0].fix
        );
    }

    #[test]
    fn unlisted_endpoints_are_a_finding_on_the_integrations_key() {
        let text = sections("flask", &["postgresql", "redis"]);
        let found = check_text("c.yaml", &text, &attr("flask", &["postgresql"])).expect("ok");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].kind, Kind::UnlistedEndpoint);
        assert_eq!(found[0].about, About::IntegrationsKey);
        assert_eq!(found[0].path, "requires.redis");
        let mut unhandled = attr("flask", &["postgresql"]);
        unhandled.unhandled = vec!["redis"];
        assert_eq!(check_text("c.yaml", &text, &unhandled).expect("ok"), []);
    }
}
