//! The bundled policy library (`policies/`), embedded in the binary. `build.rs` lists every
//! `.rego` file under `policies/`: a new bundled rule is a `.rego` file and its `_test.rego`.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
