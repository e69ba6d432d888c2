//! "Export": downloads the current session (or lesson) as the three files of
//! `share::export` — a ksqlDB script, a docker-compose.yml and the kcat commands — through a
//! Blob and an object URL each, so nothing leaves the page but the downloads.

use super::deep_link;
use crate::lessons::LessonCatalogue;
use crate::share::export::{export_lesson, export_session, ExportBundle};
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};
use yew::prelude::*;

/// The bundle for what is on screen: the lesson played through, or the sandbox session.
pub fn current_bundle() -> Result<ExportBundle, String> {
    let registered = deep_link::current().ok_or("Open the sandbox or a lesson first: the export is of what you did there.")?;
    if let Some((lesson_id, _)) = &registered.lesson {
        let catalogue = LessonCatalogue::load().map_err(|error| error.to_string())?;
        let lesson = catalogue.get(lesson_id).ok_or_else(|| format!("no lesson '{lesson_id}'"))?;
        return export_lesson(lesson, registered.seed).map_err(|error| error.to_string());
    }
    let store = registered.store.0.borrow();
    Ok(export_session(&store.world, &store.history))
}

fn download(name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser refused to make the file")?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused a download URL")?;
    let anchor: HtmlAnchorElement = document.create_element("a").map_err(|_| "no anchor")?.dyn_into().map_err(|_| "no anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The download starts after this handler returns: free the URL a little later.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

#[function_component(ExportButton)]
pub fn export_button() -> Html {
    let message = use_state(|| None::<String>);
    let onclick = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let outcome = current_bundle().and_then(|bundle| {
                for (name, mime, contents) in bundle.files() {
                    download(name, mime, contents)?;
                }
                Ok(bundle.files().map(|(name, _, _)| name).join(", "))
            });
            message.set(Some(match outcome {
                Ok(names) => format!("Downloaded {names}: see the README, \"Run your session on real Kafka\"."),
                Err(error) => error,
            }));
        })
    };
    html! {
        <>
            <button class="header-button export" {onclick} title="Download a ksqlDB script, a docker-compose.yml and kcat commands for a real Kafka">
                { "⇩ Export" }
            </button>
            if let Some(text) = (*message).clone() {
                <span class="header-status" role="status">{ text }</span>
            }
        </>
    }
}
