//! The frame's messages, appended to a contract's own `ExecuteMsg` / `QueryMsg`.
//!
//! Every Vagus contract answers the same role and pause messages (spec/common.json
//! `operations`). Instead of each contract spelling them out, it marks its message enums:
//!
//! ```text
//! #[vagus_common::frame_execute]
//! #[cw_serde]
//! pub enum ExecuteMsg { Consume { .. }, .. }
//!
//! #[vagus_common::frame_query]
//! #[cw_serde]
//! #[derive(QueryResponses)]
//! pub enum QueryMsg { .. }
//! ```
//!
//! The macro appends the frame variants after the contract's own ones, always in the same
//! order and with the same doc comments, so the JSON and the generated schema are those a
//! hand-written enum with the variants at its end would give. It also implements
//! `vagus_common::frame::FrameExecute` / `FrameQuery`, whose `into_frame` hands a frame
//! variant to the dispatch functions of `vagus_common::frame`.
//!
//! The attribute must come before `#[cw_serde]` and the derives, which have to see the
//! appended variants.
//!
//! Arguments (both macros):
//! - `no_pause`: only the role messages (`grant_role`, `revoke_role`, `renounce_role`,
//!   `has_role`, `role_holders`), for a contract without the frame's pause (the timelock).
//! - `<variant> = "doc"`: the doc comment (and so the schema `description`) of one frame
//!   variant, named in snake_case, where a contract says more than the frame's text.

use std::collections::BTreeMap;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Data, DeriveInput, Expr, ExprLit, Lit, Meta, Token, Variant};

/// One frame variant: snake_case name, fields, default doc, whether it belongs to the
/// pause part of the frame, and its `#[returns]` type for queries. A field is a bare name
/// (a `String`) or `name: Type`.
struct FrameVariant {
    snake: &'static str,
    fields: &'static [&'static str],
    doc: Option<&'static str>,
    pause: bool,
    returns: Option<&'static str>,
}

const EXECUTE: &[FrameVariant] = &[
    FrameVariant {
        snake: "grant_role",
        fields: &["role", "account"],
        doc: Some("ADMIN: grants `role` to `account`."),
        pause: false,
        returns: None,
    },
    FrameVariant {
        snake: "revoke_role",
        fields: &["role", "account"],
        doc: Some("ADMIN: revokes `role` from `account`."),
        pause: false,
        returns: None,
    },
    FrameVariant {
        snake: "renounce_role",
        fields: &["role", "caller_confirmation"],
        doc: Some(
            "Anyone: drops the caller's own `role`; `caller_confirmation` must be the caller.",
        ),
        pause: false,
        returns: None,
    },
    FrameVariant {
        snake: "pause",
        fields: &[],
        doc: Some("GUARDIAN: stops liveness operations."),
        pause: true,
        returns: None,
    },
    FrameVariant {
        snake: "unpause",
        fields: &[],
        doc: Some("ADMIN: resumes them."),
        pause: true,
        returns: None,
    },
    FrameVariant {
        snake: "emergency_pause",
        fields: &[],
        doc: Some("GUARDIAN: `pause` under the incident procedure's name; same checks and effect."),
        pause: true,
        returns: None,
    },
];

const QUERY: &[FrameVariant] = &[
    FrameVariant {
        snake: "has_role",
        fields: &["role", "account"],
        doc: None,
        pause: false,
        returns: Some("::vagus_common::roles::HasRoleResponse"),
    },
    FrameVariant {
        snake: "paused",
        fields: &[],
        doc: None,
        pause: true,
        returns: Some("::vagus_common::pause::PausedResponse"),
    },
    FrameVariant {
        snake: "role_holders",
        fields: &[
            "start_after: ::core::option::Option<::vagus_common::roles::RoleHolder>",
            "limit: ::core::option::Option<u32>",
        ],
        doc: Some("Every holder of every role, a page at a time in `(role, account)` order."),
        pause: false,
        returns: Some("::vagus_common::roles::RoleHoldersResponse"),
    },
];

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

struct Options {
    pause: bool,
    docs: BTreeMap<String, String>,
}

fn parse_options(args: TokenStream, table: &[FrameVariant]) -> syn::Result<Options> {
    let mut opts = Options {
        pause: true,
        docs: BTreeMap::new(),
    };
    let metas = Punctuated::<Meta, Token![,]>::parse_terminated.parse(args)?;
    for meta in metas {
        match &meta {
            Meta::Path(p) if p.is_ident("no_pause") => opts.pause = false,
            Meta::NameValue(nv) => {
                let Some(name) = nv.path.get_ident().map(|i| i.to_string()) else {
                    return Err(syn::Error::new_spanned(&nv.path, "expected a variant name"));
                };
                if !table.iter().any(|v| v.snake == name) {
                    let known: Vec<&str> = table.iter().map(|v| v.snake).collect();
                    return Err(syn::Error::new_spanned(
                        &nv.path,
                        format!("not a frame variant; one of {}", known.join(", ")),
                    ));
                }
                match &nv.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => {
                        opts.docs.insert(name, s.value());
                    }
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "expected the variant's doc text as a string",
                        ))
                    }
                }
            }
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "expected `no_pause` or `<frame variant> = \"doc\"`",
                ))
            }
        }
    }
    Ok(opts)
}

/// The variants to append and the `into_frame` match arms that hand them over.
fn frame_parts(
    table: &[FrameVariant],
    opts: &Options,
    frame_enum: &TokenStream2,
) -> syn::Result<(Vec<Variant>, Vec<TokenStream2>)> {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for v in table.iter().filter(|v| opts.pause || !v.pause) {
        let ident = format_ident!("{}", camel(v.snake));
        let mut fields = Vec::new();
        let mut types = Vec::new();
        for f in v.fields {
            let (name, ty) = f.split_once(':').unwrap_or((f, "::std::string::String"));
            fields.push(format_ident!("{}", name.trim()));
            types.push(syn::parse_str::<syn::Type>(ty.trim())?);
        }
        // `/// text` is `#[doc = " text"]`: keep the space so the schema text is the same.
        let doc = opts
            .docs
            .get(v.snake)
            .map(String::as_str)
            .or(v.doc)
            .map(|d| {
                let d = format!(" {d}");
                quote!(#[doc = #d])
            });
        let returns = match v.returns {
            Some(ty) => {
                let ty: syn::Type = syn::parse_str(ty)?;
                quote!(#[returns(#ty)])
            }
            None => quote!(),
        };
        variants.push(syn::parse2(quote! {
            #doc
            #returns
            #ident { #(#fields: #types),* }
        })?);
        arms.push(quote! {
            Self::#ident { #(#fields),* } => ::core::result::Result::Ok(
                #frame_enum::#ident { #(#fields),* }
            ),
        });
    }
    Ok((variants, arms))
}

fn expand(
    args: TokenStream,
    input: TokenStream,
    table: &[FrameVariant],
    kind: &str,
) -> TokenStream {
    let opts = match parse_options(args, table) {
        Ok(o) => o,
        Err(e) => return e.to_compile_error().into(),
    };
    let mut ast = parse_macro_input!(input as DeriveInput);
    let trait_name = format_ident!("Frame{kind}");
    let frame_enum = {
        let name = format_ident!("Frame{kind}Msg");
        quote!(::vagus_common::frame::#name)
    };
    let Data::Enum(data) = &mut ast.data else {
        return syn::Error::new_spanned(&ast.ident, "the frame's messages go into an enum")
            .to_compile_error()
            .into();
    };
    let (variants, arms) = match frame_parts(table, &opts, &frame_enum) {
        Ok(parts) => parts,
        Err(e) => return e.to_compile_error().into(),
    };
    for v in &variants {
        if let Some(own) = data.variants.iter().find(|o| o.ident == v.ident) {
            return syn::Error::new_spanned(
                &own.ident,
                "the frame declares this variant; remove it (or set its doc in the attribute)",
            )
            .to_compile_error()
            .into();
        }
    }
    data.variants.extend(variants);
    let ident = &ast.ident;
    let (impl_generics, ty_generics, where_clause) = ast.generics.split_for_impl();
    quote! {
        #ast

        impl #impl_generics ::vagus_common::frame::#trait_name for #ident #ty_generics #where_clause {
            fn into_frame(self) -> ::core::result::Result<#frame_enum, Self> {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    own => ::core::result::Result::Err(own),
                }
            }
        }
    }
    .into()
}

/// Appends the frame's execute messages (`grant_role`, `revoke_role`, `renounce_role`,
/// `pause`, `unpause`, `emergency_pause`) to the enum and implements `vagus_common::frame::FrameExecute`.
#[proc_macro_attribute]
pub fn frame_execute(args: TokenStream, input: TokenStream) -> TokenStream {
    expand(args, input, EXECUTE, "Execute")
}

/// Appends the frame's queries (`has_role`, `paused`, `role_holders`, each with its `#[returns]`) to the
/// enum and implements `vagus_common::frame::FrameQuery`.
#[proc_macro_attribute]
pub fn frame_query(args: TokenStream, input: TokenStream) -> TokenStream {
    expand(args, input, QUERY, "Query")
}
