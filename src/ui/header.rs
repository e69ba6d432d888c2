//! The header: product name (a way home) and the theme switch.

use super::app::{Action, Screen};
use super::theme::Theme;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub theme: Theme,
    pub dispatch: Callback<Action>,
    /// A screen a link or an export can be made of is on view (sandbox, lesson).
    #[prop_or_default]
    pub sharing: bool,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let go_home = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Home));
    let toggle_theme = props.dispatch.reform(|_: MouseEvent| Action::ToggleTheme);
    let next_theme = props.theme.toggled().name();
    html! {
        <header class="header">
            <button class="brand" onclick={go_home} aria-label="streamlab home">
                <span class="brand-mark" aria-hidden="true">{ "▤" }</span>
                <span class="brand-name">{ "streamlab" }</span>
            </button>
            <span class="tagline">{ "Kafka and streaming SQL, live in your browser" }</span>
            <div class="header-actions">
                if props.sharing {
                    <super::deep_link::CopyLinkButton />
                    <super::export_button::ExportButton />
                }
                <super::presenter::PresentButton />
            </div>
            <button class="theme-toggle" onclick={toggle_theme}
                    title={format!("Switch to the {next_theme} theme")}
                    aria-label={format!("Switch to the {next_theme} theme")}>
                { if props.theme == Theme::Dark { "☀ Light" } else { "☾ Dark" } }
            </button>
        </header>
    }
}
