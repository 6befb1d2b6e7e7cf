//! The `fn main` that `cargo new` writes, left beside the attribute that generates one.

use paas_charm_runtime::paas_charm;

#[paas_charm(framework = "flask", charmcraft = "../charmcraft/flask.yaml")]
pub struct Charm;

fn main() {
    println!("Hello, world!");
}
