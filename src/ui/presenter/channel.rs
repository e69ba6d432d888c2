//! The BroadcastChannel between the audience window and the speaker view. Messages are JSON
//! of `share::speaker::SpeakerMessage`; anything else on the channel is ignored.

use crate::share::speaker::{SpeakerMessage, CHANNEL};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

pub struct Channel {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    /// `None` where BroadcastChannel does not exist (the page then works without a speaker view).
    pub fn open(mut on_message: impl FnMut(SpeakerMessage) + 'static) -> Option<Channel> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                if let Ok(message) = SpeakerMessage::from_json(&text) {
                    on_message(message);
                }
            }
        });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Some(Channel { channel, _on_message: closure })
    }

    pub fn send(&self, message: &SpeakerMessage) {
        let _ = self.channel.post_message(&message.to_json().into());
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
