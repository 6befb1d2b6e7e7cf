//! Request bodies written at their exact size, without intermediate copies.
//!
//! A relation value of megabytes can reach the workload's environment, so a layer or an exec
//! request can be tens of megabytes. Building it as a `serde_json::Value`, then a string, then
//! bytes would hold several copies at once, and a growing buffer can take twice the room it
//! needs. Here each body is serialised twice: once to count its bytes, once into a buffer of
//! exactly that size. The layer's YAML is escaped into the JSON body as it is written, so the
//! YAML text never exists on its own.
//!
//! ```
//! use paas_charm_runtime::pebble::body::exact_json;
//!
//! let bytes = exact_json(&serde_json::json!({"a": [1, "two"]})).unwrap();
//! assert_eq!(bytes, br#"{"a":[1,"two"]}"#);
//! assert_eq!(bytes.capacity(), bytes.len());
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::Layer;

/// `value` as JSON bytes, in a buffer of exactly their size.
pub fn exact_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, value)?;
    let mut bytes = Vec::with_capacity(counter.0);
    serde_json::to_writer(&mut bytes, value)?;
    Ok(bytes)
}

/// The body of `POST /v1/layers` adding `layer` as YAML under `label`, built at its exact size.
pub fn add_layer(label: &str, layer: &Layer, combine: bool) -> Result<Vec<u8>, String> {
    let mut counter = Counter(0);
    write_add_layer(&mut counter, label, layer, combine)?;
    let mut bytes = Vec::with_capacity(counter.0);
    write_add_layer(&mut bytes, label, layer, combine)?;
    Ok(bytes)
}

fn write_add_layer<W: Write>(
    out: &mut W,
    label: &str,
    layer: &Layer,
    combine: bool,
) -> Result<(), String> {
    let io = |e: io::Error| e.to_string();
    let label = serde_json::to_string(label).map_err(|e| e.to_string())?;
    write!(
        out,
        "{{\"action\":\"add\",\"label\":{label},\"combine\":{combine},\"format\":\"yaml\",\"layer\":\""
    )
    .map_err(io)?;
    crate::yaml::to_writer(JsonEscape(&mut *out), layer).map_err(|e| e.message)?;
    out.write_all(b"\"}").map_err(io)
}

/// Counts the bytes written to it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes UTF-8 text as the inside of a JSON string (quotes, backslashes and control
/// characters escaped). Multi-byte sequences pass through byte by byte unchanged, so a chunk
/// boundary inside one is harmless.
struct JsonEscape<W: Write>(W);

impl<W: Write> Write for JsonEscape<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &byte) in buf.iter().enumerate() {
            let escape: Option<&[u8]> = match byte {
                b'"' => Some(b"\\\""),
                b'\\' => Some(b"\\\\"),
                b'\n' => Some(b"\\n"),
                b'\r' => Some(b"\\r"),
                b'\t' => Some(b"\\t"),
                0x00..=0x1f => None,
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            match escape {
                Some(text) => self.0.write_all(text)?,
                None => write!(self.0, "\\u{byte:04x}")?,
            }
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::pebble::Service;

    #[test]
    fn the_layer_body_is_the_json_of_its_yaml_at_its_exact_size() {
        let service = Service {
            command: "run \"it\"".into(),
            environment: BTreeMap::from([
                ("A".to_owned(), serde_json::json!("x\\y\n\u{1}é")),
                ("B".to_owned(), serde_json::json!(8000)),
            ]),
            ..Service::default()
        };
        let layer = Layer {
            services: BTreeMap::from([("web".to_owned(), service)]),
            ..Layer::default()
        };
        let body = add_layer("charm", &layer, true).unwrap();
        assert_eq!(body.capacity(), body.len());
        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"action": "add", "label": "charm", "combine": true,
                "format": "yaml", "layer": layer.to_yaml().unwrap()})
        );
    }
}
