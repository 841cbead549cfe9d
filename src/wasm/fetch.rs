//! One HTTP GET through the runtime's global `fetch` (never `window`), with
//! an `AbortController` timeout that covers headers and body, a body cap
//! enforced while streaming, and cross-origin redirects refused.

use crate::prelude::*;

use crate::error::FetchError;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use core::cell::Cell;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, Request, RequestInit, RequestRedirect, Response, Url};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// What a fetch produced, within the body cap.
pub struct Fetched {
    pub status: u16,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// A request to send: method, headers and body (GET has none).
pub struct Outgoing<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
}

fn message(e: &JsValue) -> String {
    Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".to_owned())
}

fn origin(url: &str) -> Option<String> {
    Url::new(url).ok().map(|u| u.origin())
}

/// GETs `url` with `headers`, failing after `timeout_ms` or once the body
/// passes `max_bytes`.
pub async fn get(url: &str, headers: &[(String, String)], timeout_ms: u32, max_bytes: usize) -> Result<Fetched, FetchError> {
    send(&Outgoing { method: "GET", url, headers, body: None }, timeout_ms, max_bytes).await
}

/// Sends a request, failing after `timeout_ms` or once the response body
/// passes `max_bytes`.
pub async fn send(out: &Outgoing<'_>, timeout_ms: u32, max_bytes: usize) -> Result<Fetched, FetchError> {
    let url = out.url;
    let network = |e: JsValue| FetchError::Network { detail: message(&e) };
    let controller = AbortController::new().map_err(network)?;
    let init = RequestInit::new();
    init.set_method(out.method);
    init.set_redirect(RequestRedirect::Follow);
    init.set_signal(Some(&controller.signal()));
    let h = Headers::new().map_err(network)?;
    h.append("accept", "application/json, application/jwk-set+json").map_err(network)?;
    for (name, value) in out.headers {
        h.set(name, value).map_err(network)?;
    }
    init.set_headers(&h);
    if let Some(body) = out.body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;

    let timed_out = Rc::new(Cell::new(false));
    let flag = timed_out.clone();
    let on_timeout = Closure::once(move || {
        flag.set(true);
        controller.abort();
    });
    let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), i32::try_from(timeout_ms).unwrap_or(i32::MAX));
    let result = get_inner(url, &request, max_bytes).await;
    clear_timeout(&timer);
    drop(on_timeout);
    match result {
        Err(_) if timed_out.get() => Err(FetchError::Timeout { after_ms: u64::from(timeout_ms) }),
        other => other,
    }
}

async fn get_inner(url: &str, request: &Request, max_bytes: usize) -> Result<Fetched, FetchError> {
    let network = |e: JsValue| FetchError::Network { detail: message(&e) };
    let response: Response = JsFuture::from(global_fetch(request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(|_| FetchError::Network { detail: "fetch did not return a Response".to_owned() })?;
    if response.redirected() {
        let to = origin(&response.url()).unwrap_or_default();
        if origin(url).as_deref() != Some(to.as_str()) {
            if let Some(body) = response.body() {
                let _ = body.cancel();
            }
            return Err(FetchError::CrossOriginRedirect { to });
        }
    }
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = FetchError::TooLarge { max: max_bytes };
    let body = match response.body() {
        None => Vec::new(),
        Some(_) if declared.is_some_and(|n| n > max_bytes as u64) => {
            if let Some(b) = response.body() {
                let _ = b.cancel();
            }
            return Err(too_large);
        }
        Some(stream) => {
            let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
            let mut body = Vec::new();
            loop {
                let chunk = JsFuture::from(reader.read()).await.map_err(network)?;
                let done = Reflect::get(&chunk, &JsValue::from_str("done")).map_err(network)?;
                if done.as_bool() == Some(true) {
                    break;
                }
                let value: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(network)?.unchecked_into();
                if body.len() + value.length() as usize > max_bytes {
                    let _ = reader.cancel();
                    return Err(too_large);
                }
                let start = body.len();
                body.resize(start + value.length() as usize, 0);
                if let Some(dst) = body.get_mut(start..) {
                    value.copy_to(dst);
                }
            }
            body
        }
    };
    Ok(Fetched {
        status: response.status(),
        content_type: header("content-type"),
        cache_control: header("cache-control"),
        retry_after: header("retry-after"),
        body,
    })
}
