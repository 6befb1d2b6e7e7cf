//! The generated `IntegrationRequirers` set: one typed field per integration (the listed ones
//! in attribute order, the author's custom ones, the always-on ones), its `bind`, the event
//! `match` that routes each hook to the integrations acting on it, the environment composition
//! in paas-charm's order, and a visitor for the reconcile's other steps.
//!
//! Everything the routing and the order depend on comes from the integration table
//! (`paas_charm_requirements::INTEGRATIONS` and `ALWAYS_ON`); the generated code only calls the
//! runtime's building blocks on the typed fields.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use paas_charm_requirements::{Hook, IntegrationSpec};

use crate::names;
use crate::valid::Charm;

/// One field of the set.
struct Member {
    /// The field.
    field: Ident,
    /// Its type.
    ty: TokenStream,
    /// Its doc comment.
    doc: String,
    /// Its table entry; `None` for an author's integration, which sees every hook.
    spec: Option<&'static IntegrationSpec>,
    /// The span of the author's type path (its errors point there).
    span: Span,
}

impl Member {
    /// The field as the runtime's `compose` and `visit` take it (`Option<&mut dyn Integration>`).
    fn as_dyn(&self) -> TokenStream {
        let field = &self.field;
        quote::quote_spanned!(self.span=> member(&mut self.#field))
    }

    /// The field as `handle` takes it: a table integration by its type (a static call), an
    /// author's as `dyn Integration`.
    fn for_handle(&self) -> TokenStream {
        let field = &self.field;
        match self.spec {
            Some(_) => quote!(self.#field.as_mut()),
            None => self.as_dyn(),
        }
    }

    fn sees_every_hook(&self) -> bool {
        self.spec.is_none_or(|spec| spec.acts_on(Hook::Every))
    }

    /// Whether the relation events of `endpoint` (a fixed name) go to it.
    fn on_endpoint(&self, endpoint: &str) -> bool {
        self.sees_every_hook() || self.spec.is_some_and(|s| s.endpoint == Some(endpoint))
    }

    /// Whether the relation events of the endpoint of `interface` (any name) go to it.
    fn on_interface(&self, interface: &str) -> bool {
        self.sees_every_hook()
            || self
                .spec
                .is_some_and(|s| s.endpoint.is_none() && s.interface == interface)
    }

    fn on_hook(&self, hook: Hook) -> bool {
        self.spec.is_none_or(|spec| spec.acts_on(hook))
    }
}

/// The set's fields, in the order the integrations act.
fn members(charm: &Charm, runtime: &TokenStream) -> Vec<Member> {
    let table_type = |spec: &IntegrationSpec| {
        let module = Ident::new(spec.module, Span::call_site());
        let ty = Ident::new(spec.ty, Span::call_site());
        quote!(#runtime::integration::#module::#ty)
    };
    let mut out: Vec<Member> = charm
        .integrations
        .iter()
        .map(|(spec, written)| Member {
            field: format_ident!("{}", written),
            ty: table_type(spec),
            doc: format!(
                " The `{}` integration; `None` when charmcraft.yaml declares no endpoint for it.",
                spec.name
            ),
            spec: Some(*spec),
            span: Span::call_site(),
        })
        .collect();
    // The author's own integrations, after the listed ones; the path keeps its span so a type
    // that is not an `Integration` is reported on it.
    for (path, field) in &charm.custom {
        out.push(Member {
            field: field.clone(),
            ty: quote!(#path),
            doc: format!(
                " The custom integration `{}` (it sees every hook); `None` when it did not bind \
                 to the metadata.",
                quote!(#path).to_string().replace(' ', "")
            ),
            spec: None,
            span: syn::spanned::Spanned::span(path),
        });
    }
    for spec in names::ALWAYS_ON {
        out.push(Member {
            field: Ident::new(&spec.ident(), Span::call_site()),
            ty: table_type(spec),
            doc: format!(
                " The `{}` integration every framework charm has; `None` when charmcraft.yaml \
                 declares no endpoint for it.",
                spec.name
            ),
            spec: Some(spec),
            span: Span::call_site(),
        });
    }
    out
}

/// The struct and its `IntegrationSet` impl.
pub fn set(charm: &Charm, set: &Ident, runtime: &TokenStream) -> TokenStream {
    let members = members(charm, runtime);
    let vis = &charm.item.vis;
    let charm_ident = &charm.item.ident;
    let integration_trait = quote!(#runtime::integration::Integration);
    let fields: Vec<&Ident> = members.iter().map(|m| &m.field).collect();
    let types: Vec<&TokenStream> = members.iter().map(|m| &m.ty).collect();
    let docs: Vec<&String> = members.iter().map(|m| &m.doc).collect();
    let struct_doc = format!(
        " The integrations of [`{charm_ident}`]: one requirer per integration listed in \
         `#[paas_charm(...)]` (in attribute order), the custom ones, then the ones every \
         framework charm has. Generated by `#[paas_charm]`."
    );
    let meta = if members.is_empty() {
        format_ident!("_meta")
    } else {
        format_ident!("meta")
    };
    let handle_event = handle_event(&members, runtime);
    let compose_env = compose_env(&members, runtime);
    let for_each = for_each(&members, runtime);
    quote! {
        #[doc = #struct_doc]
        #vis struct #set {
            #(
                #[doc = #docs]
                pub #fields: ::core::option::Option<#types>,
            )*
        }

        /// What the integrations do in each hook, in the order paas-charm runs them. Generated
        /// by `#[paas_charm]` from the integration table.
        #[automatically_derived]
        impl #runtime::integration::IntegrationSet for #set {
            fn bind(#meta: &#runtime::juju::CharmMeta) -> Self {
                Self {
                    #(
                        #fields: <#types as #integration_trait>::bind(#meta),
                    )*
                }
            }

            #handle_event

            #compose_env

            #for_each
        }
    }
}

/// The calls that hand the event to `routed`, in order (`handle` is imported in the body).
fn calls<'a>(members: impl IntoIterator<Item = &'a Member>) -> Vec<TokenStream> {
    members
        .into_iter()
        .map(|m| {
            let integration = m.for_handle();
            quote!(handle(#integration, cx, &mut triggers)?;)
        })
        .collect()
}

/// `handle_event`: one `match` from the event to the integrations that act on it.
fn handle_event(members: &[Member], runtime: &TokenStream) -> TokenStream {
    let signature = |event: Ident, cx: Ident| {
        quote! {
            fn handle_event(
                &mut self,
                #event: &#runtime::juju::Event,
                #cx: &mut #runtime::integration::Cx<'_>,
            ) -> ::core::result::Result<
                ::std::vec::Vec<#runtime::integration::Trigger>,
                #runtime::integration::IntegrationError,
            >
        }
    };
    if members.is_empty() {
        let signature = signature(format_ident!("_event"), format_ident!("_cx"));
        return quote! {
            #signature {
                ::core::result::Result::Ok(::std::vec::Vec::new())
            }
        };
    }
    // The body imports what it names, so each arm reads as the event it matches.
    let event_ty = quote!(Event);
    let mut imports = vec![quote!(Event)];
    let mut helpers = vec![quote!(handle)];
    if members.iter().any(|m| m.spec.is_none()) {
        helpers.push(quote!(member));
    }
    let every = calls(members.iter().filter(|m| m.sees_every_hook()));
    let routed_only_to_every = |routed: &[&Member]| routed.iter().all(|m| m.sees_every_hook());

    // The relation events of each endpoint.
    let mut relation_arms = Vec::new();
    let mut endpoints: Vec<&'static str> = Vec::new();
    let mut interfaces: Vec<&'static str> = Vec::new();
    for member in members {
        if let Some(spec) = member.spec {
            match spec.endpoint {
                Some(endpoint) if !endpoints.contains(&endpoint) => endpoints.push(endpoint),
                None if !interfaces.contains(&spec.interface) => interfaces.push(spec.interface),
                _ => {}
            }
        }
    }
    for endpoint in &endpoints {
        let routed: Vec<&Member> = members.iter().filter(|m| m.on_endpoint(endpoint)).collect();
        if routed_only_to_every(&routed) {
            continue;
        }
        let calls = calls(routed);
        relation_arms.push(quote!(#endpoint => { #(#calls)* }));
    }
    for interface in &interfaces {
        let routed: Vec<&Member> = members
            .iter()
            .filter(|m| m.on_interface(interface))
            .collect();
        if routed_only_to_every(&routed) {
            continue;
        }
        let calls = calls(routed);
        relation_arms.push(quote! {
            endpoint if speaks(cx.meta, endpoint, #interface) => {
                #(#calls)*
            }
        });
        if !helpers.iter().any(|h| h.to_string() == "speaks") {
            helpers.push(quote!(speaks));
        }
    }
    let mut arms = Vec::new();
    if !relation_arms.is_empty() {
        arms.push(quote! {
            #event_ty::Relation { endpoint, .. } => match endpoint.as_str() {
                #(#relation_arms)*
                _ => { #(#every)* }
            },
        });
    }
    // The other hooks some integration acts on.
    for hook in Hook::ALL {
        let pattern = match hook {
            Hook::ConfigChanged => quote!(#event_ty::ConfigChanged),
            Hook::UpgradeCharm => quote!(#event_ty::UpgradeCharm),
            Hook::LeaderElected => quote!(#event_ty::LeaderElected),
            Hook::UpdateStatus => quote!(#event_ty::UpdateStatus),
            Hook::SecretChanged => {
                quote!(#event_ty::Secret(SecretEventKind::Changed))
            }
            Hook::PebbleReady => quote! {
                #event_ty::Workload {
                    container,
                    kind: WorkloadEventKind::PebbleReady,
                } if is_workload(cx.meta, container)
            },
            Hook::Every => continue,
        };
        let routed: Vec<&Member> = members.iter().filter(|m| m.on_hook(hook)).collect();
        if routed_only_to_every(&routed) {
            continue;
        }
        let calls = calls(routed);
        arms.push(quote!(#pattern => { #(#calls)* }));
        match hook {
            Hook::SecretChanged => imports.push(quote!(SecretEventKind)),
            Hook::PebbleReady => {
                imports.push(quote!(WorkloadEventKind));
                helpers.push(quote!(is_workload));
            }
            _ => {}
        }
    }
    let signature = signature(format_ident!("event"), format_ident!("cx"));
    quote! {
        #signature {
            use #runtime::integration::{#(#helpers),*};
            use #runtime::juju::{#(#imports),*};
            let mut triggers = ::std::vec::Vec::new();
            match event {
                #(#arms)*
                _ => { #(#every)* }
            }
            ::core::result::Result::Ok(triggers)
        }
    }
}

/// `compose_env`: the framework's step, each integration's variables in paas-charm's order
/// (then those it does not order, and the author's, in attribute order), the finishing step.
/// The always-on integrations have no variables.
fn compose_env(members: &[Member], runtime: &TokenStream) -> TokenStream {
    let mut ordered: Vec<(usize, &Member)> = members
        .iter()
        .filter(|m| !m.spec.is_some_and(|s| names::ALWAYS_ON.contains(s)))
        .map(|m| {
            let rank = m
                .spec
                .map_or(usize::MAX, |s| paas_charm_requirements::env_rank(s.name));
            (rank, m)
        })
        .collect();
    // Stable: members paas-charm does not order keep their attribute order.
    ordered.sort_by_key(|(rank, _)| *rank);
    let integrations: Vec<TokenStream> = ordered.iter().map(|(_, m)| m.as_dyn()).collect();
    let import =
        (!integrations.is_empty()).then(|| quote!(use #runtime::integration::{compose, member};));
    quote! {
        fn compose_env(&mut self, env: &mut dyn #runtime::integration::ComposeEnv) {
            #import
            env.framework();
            #(
                compose(env, #integrations);
            )*
            env.finish();
        }
    }
}

/// `for_each`: every integration, in the order they act.
fn for_each(members: &[Member], runtime: &TokenStream) -> TokenStream {
    let integrations: Vec<TokenStream> = members.iter().map(Member::as_dyn).collect();
    let f = if members.is_empty() {
        format_ident!("_f")
    } else {
        format_ident!("f")
    };
    let import =
        (!integrations.is_empty()).then(|| quote!(use #runtime::integration::{member, visit};));
    quote! {
        fn for_each(
            &mut self,
            #f: &mut dyn ::core::ops::FnMut(
                &mut dyn #runtime::integration::Integration,
            ) -> ::core::ops::ControlFlow<()>,
        ) -> ::core::ops::ControlFlow<()> {
            #import
            #(
                visit(#integrations, #f)?;
            )*
            ::core::ops::ControlFlow::Continue(())
        }
    }
}
