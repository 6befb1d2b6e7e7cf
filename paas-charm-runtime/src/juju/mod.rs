//! The Juju side: the event, the hook context, the hook tools and the charm metadata.

pub mod backend;
pub mod context;
pub mod event;
pub mod metadata;
pub mod model;
pub mod secret_uri;
pub mod subprocess;

pub use backend::{
    Backend, Bag, BagOwner, ConfigValues, GoalRelations, HookToolError, LogLevel, Port, RelationId,
    Scope, SecretQuery, Status, StatusName,
};
pub use context::{HookContext, JujuVersion, ProxySettings};
pub use event::{Event, RelationEventKind, SecretEventKind, WorkloadEventKind};
pub use metadata::{CharmMeta, OptionMeta, OptionType, RelationMeta};
pub use model::{Juju, Relation};
pub use subprocess::SubprocessBackend;
