//! `discover(issuer)`: OpenID Connect discovery through the same fetch as
//! remote key sets (timeout, body cap, no cross-origin redirects).

use crate::prelude::*;

use super::errors::{coded, set, to_js_error};
use super::{fetch, options};
use crate::http::{Response, MAX_BODY_BYTES};
use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Fetches and checks an issuer's OpenID configuration; resolves to its JSON.
#[wasm_bindgen(js_name = discover)]
pub fn discover(issuer: String, options: &JsValue) -> Promise {
    let opts = options::remote_options(options);
    future_to_promise(async move {
        let opts = opts.map_err(|e| to_js_error(&e.into()))?;
        let url = crate::discovery::configuration_url(&issuer);
        let wrap = |e: crate::error::FetchError| {
            let js = coded("ERR_DISCOVERY_FAILED", &format!("OpenID discovery for {} failed: {e}", crate::json::quote(&issuer)));
            set(&Object::from(js.clone()), "reason", &JsValue::from_str(e.kind()));
            if let Some(status) = e.status() {
                set(&Object::from(js.clone()), "status", &JsValue::from(status));
            }
            js
        };
        let wrap_failed = |f: fetch::Failed| {
            let js = wrap(f.error);
            if let Some(cause) = f.cause {
                set(&Object::from(js.clone()), "cause", &cause);
            }
            js
        };
        let f = fetch::get(&url, &opts.headers, opts.timeout_ms, MAX_BODY_BYTES).await.map_err(wrap_failed)?;
        let r = Response { status: f.status, content_type: f.content_type.as_deref(), cache_control: None, retry_after: None, body: &f.body };
        let text = r.json_text().map_err(wrap)?;
        let config = crate::discovery::parse_configuration(text, &issuer).map_err(wrap)?;
        Ok(JsValue::from(config.json))
    })
}
