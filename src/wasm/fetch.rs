//! One HTTP GET through the runtime's global `fetch` (never `window`), with
//! an `AbortController` timeout that covers headers, redirects and body, a
//! body cap enforced while streaming, and redirects followed by hand within
//! the request's origin, so nothing is sent to another one.

use crate::prelude::*;

use crate::error::FetchError;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use core::cell::Cell;
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, Request, RequestInit, RequestRedirect, Response, ResponseType,
    Url,
};

#[wasm_bindgen]
extern "C" {
    // (`catch`: a fetch that throws at once, a stub or an interceptor
    // perhaps, is a failed request, not an exception unwinding through the
    // wasm)
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(input: &Request) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: i32) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
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

/// A failed request: the error, and what the runtime threw, if it threw
/// (the `cause` of the JS error, as jose's errors carry it: Node's
/// `ECONNREFUSED` is readable there).
pub struct Failed {
    pub error: FetchError,
    pub cause: Option<JsValue>,
}

impl From<FetchError> for Failed {
    fn from(error: FetchError) -> Failed {
        Failed { error, cause: None }
    }
}

/// The most redirects followed for one request (same origin only).
pub const MAX_REDIRECTS: usize = 5;

fn message(e: &JsValue) -> String {
    Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".to_owned())
}

fn network(e: JsValue) -> Failed {
    Failed { error: FetchError::Network { detail: message(&e) }, cause: Some(e) }
}

fn failed(detail: &str) -> Failed {
    FetchError::Network { detail: detail.to_owned() }.into()
}

fn origin(url: &str) -> Option<String> {
    Url::new(url).ok().map(|u| u.origin())
}

/// GETs `url` with `headers`, failing after `timeout_ms` or once the body
/// passes `max_bytes`.
pub async fn get(url: &str, headers: &[(String, String)], timeout_ms: u32, max_bytes: usize) -> Result<Fetched, Failed> {
    send(&Outgoing { method: "GET", url, headers, body: None }, timeout_ms, max_bytes).await
}

/// Sends a request, failing after `timeout_ms` or once the response body
/// passes `max_bytes`. Redirects are followed here, not by `fetch`, and
/// only within the request's origin (at most [`MAX_REDIRECTS`]): a
/// redirect to another origin fails before anything is sent there.
pub async fn send(out: &Outgoing<'_>, timeout_ms: u32, max_bytes: usize) -> Result<Fetched, Failed> {
    let controller = AbortController::new().map_err(network)?;
    let timed_out = Rc::new(Cell::new(false));
    let flag = timed_out.clone();
    let signal = controller.signal();
    let on_timeout = Closure::once(move || {
        flag.set(true);
        controller.abort();
    });
    let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), i32::try_from(timeout_ms).unwrap_or(i32::MAX)).map_err(network)?;
    let result = follow(out, &signal, max_bytes).await;
    let _ = clear_timeout(&timer);
    drop(on_timeout);
    match result {
        Err(f) if timed_out.get() => Err(Failed { error: FetchError::Timeout { after_ms: u64::from(timeout_ms) }, cause: f.cause }),
        other => other,
    }
}

fn request(method: &str, url: &str, headers: &[(String, String)], body: Option<&str>, signal: &AbortSignal) -> Result<Request, Failed> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(signal));
    let h = Headers::new().map_err(network)?;
    h.append("accept", "application/json, application/jwk-set+json").map_err(network)?;
    for (name, value) in headers {
        h.set(name, value).map_err(network)?;
    }
    init.set_headers(&h);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(body));
    }
    Request::new_with_str_and_init(url, &init).map_err(network)
}

fn cancel(response: &Response) {
    if let Some(body) = response.body() {
        let _ = body.cancel();
    }
}

/// Sends `out`, following same-origin redirects by hand.
async fn follow(out: &Outgoing<'_>, signal: &AbortSignal, max_bytes: usize) -> Result<Fetched, Failed> {
    let start = origin(out.url).ok_or_else(|| failed("the URL is not absolute"))?;
    let (mut url, mut method, mut body) = (out.url.to_owned(), out.method, out.body);
    for _ in 0..=MAX_REDIRECTS {
        let response: Response = JsFuture::from(global_fetch(&request(method, &url, out.headers, body, signal)?).map_err(network)?)
            .await
            .map_err(network)?
            .dyn_into()
            .map_err(|_| failed("fetch did not return a Response"))?;
        if response.type_() == ResponseType::Opaqueredirect {
            // a browser: it hides where a redirect goes, so it cannot be checked
            return Err(failed("the server redirected, and this runtime hides where to; use the final URL"));
        }
        let status = response.status();
        let location = response.headers().get("location").ok().flatten();
        let (true, Some(location)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location) else {
            return read(&response, max_bytes).await;
        };
        cancel(&response);
        let next = Url::new_with_base(&location, &url).map_err(|_| failed("the redirect's Location is not a URL"))?;
        if next.origin() != start {
            return Err(FetchError::CrossOriginRedirect { to: next.origin() }.into());
        }
        // as fetch does: 303 turns anything but GET and HEAD into GET, and
        // 301 and 302 turn POST into GET
        if (status == 303 && method != "GET" && method != "HEAD") || (matches!(status, 301 | 302) && method == "POST") {
            (method, body) = ("GET", None);
        }
        url = next.href();
    }
    Err(failed("too many redirects"))
}

/// Reads a response's body within `max_bytes`.
async fn read(response: &Response, max_bytes: usize) -> Result<Fetched, Failed> {
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = FetchError::TooLarge { max: max_bytes };
    let body = match response.body() {
        None => Vec::new(),
        Some(stream) if declared.is_some_and(|n| n > max_bytes as u64) => {
            let _ = stream.cancel();
            return Err(too_large.into());
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
                    return Err(too_large.into());
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
