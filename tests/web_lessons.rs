//! Component tests of the lesson player: mount the app, open a lesson from the list, act,
//! assert on the DOM and on the stored progress. Run with `make test-web`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::Element;

mod web_support;
use web_support::*;

wasm_bindgen_test_configure!(run_in_browser);

const PROGRESS_KEY: &str = "streamlab.progress";

fn storage() -> web_sys::Storage {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("localStorage")
}

/// Mounts a fresh App with `stored` as the saved progress (`None`: nothing saved).
async fn mount(stored: Option<&str>) -> Mounted {
    match stored {
        Some(text) => storage().set_item(PROGRESS_KEY, text).expect("set"),
        None => storage().remove_item(PROGRESS_KEY).expect("remove"),
    }
    mount_app().await
}

async fn open_lesson(root: &Element, id: &str) {
    click(&query(root, &format!(".lesson-item[data-lesson={id}] .lesson-open"))).await;
    sleep(150).await;
}

/// Waits (up to two seconds) for `selector` to match: the goal is re-checked every 250 ms.
async fn wait_for(root: &Element, selector: &str) -> bool {
    for _ in 0..40 {
        if find(root, selector).is_some() {
            return true;
        }
        sleep(50).await;
    }
    false
}

#[wasm_bindgen_test]
async fn home_lists_the_twelve_lessons_with_their_progress() {
    let root = mount(Some(r#"{"version":1,"lessons":{"duality":{"done":[0,1],"step":2}}}"#)).await;
    assert_eq!(root.query_selector_all(".lesson-item").map(|l| l.length()).unwrap_or(0), 12);
    assert!(text(&root, ".lesson-item[data-lesson=duality] .lesson-title").contains("duality"));
    assert_eq!(text(&root, ".lesson-item[data-lesson=duality] .lesson-progress").trim(), "2 / 5");
    assert!(find(&root, ".lesson-item.finished").is_none(), "no lesson is finished");
    assert!(find(&root, ".notice").is_none(), "valid progress gives no notice");
}

#[wasm_bindgen_test]
async fn the_lesson_screen_shows_step_one_and_its_unmet_goal() {
    let root = mount(None).await;
    open_lesson(&root, "duality").await;
    assert_eq!(text(&root, ".step-title"), "A stream of facts, a table of state");
    assert_eq!(text(&root, ".step-count"), "Step 1 of 5");
    assert_eq!(root.query_selector_all(".step-link").map(|l| l.length()).unwrap_or(0), 5);
    // The narrative's Markdown is rendered (emphasis, code block), the task too.
    assert!(find(&root, ".narrative strong").is_some() && find(&root, ".narrative pre code").is_some());
    assert!(text(&root, ".task").contains("12345"));
    assert!(wait_for(&root, ".goal.pending").await, "the goal is not met at the step's start");
    assert!(text(&root, ".goal-detail").to_lowercase().contains("balances"), "the goal says what the world shows: {}", text(&root, ".goal-detail"));
    // The workspace under it: the lesson's topic as lanes, its producer, the console.
    assert!(find(&root, ".topic[data-topic=account_transactions]").is_some());
    assert!(find(&root, ".producer[data-producer=account_transactions]").is_some());
    assert!(find(&root, "textarea[aria-label=SQL]").is_some());
    assert!(text(&root, ".speaker-notes summary").contains("Speaker notes"));
    // Hints one at a time.
    assert!(find(&root, ".hints").is_none());
    click(&query(&root, ".hint-button")).await;
    assert_eq!(root.query_selector_all(".hint-item").map(|l| l.length()).unwrap_or(0), 1);
}

#[wasm_bindgen_test]
async fn running_the_solution_meets_the_goal_and_saves_progress() {
    let root = mount(None).await;
    open_lesson(&root, "duality").await;
    assert!(wait_for(&root, ".goal.pending").await);
    click(&query(&root, ".show-solution")).await;
    assert!(text(&root, ".solution").contains("produce"), "the solution is shown before it runs: {}", text(&root, ".solution"));
    click(&query(&root, ".run-solution")).await;
    assert!(wait_for(&root, ".goal.met").await, "the goal flips to met: {}", text(&root, ".goal"));
    assert!(text(&root, ".goal-mark").contains('✓'));
    assert!(wait_for(&root, ".step-link.current.done").await, "the step list marks the step done");
    sleep(100).await;
    let saved = storage().get_item(PROGRESS_KEY).ok().flatten().unwrap_or_default();
    assert!(saved.contains(r#""version":1"#) && saved.contains(r#""duality":{"done":[0]"#), "saved: {saved}");
    // Next continues on the learner's world; reset brings back the step's starting state.
    click(&query(&root, ".step-next")).await;
    assert_eq!(text(&root, ".step-count"), "Step 2 of 5");
    assert!(wait_for(&root, ".goal.pending").await, "step 2 starts unmet");
    click(&query(&root, ".run-solution")).await;
    assert!(wait_for(&root, ".goal.met").await, "step 2's solution on the continued world meets it");
    click(&query(&root, ".reset-step")).await;
    assert!(wait_for(&root, ".goal.pending").await, "reset step starts the step again");
}

#[wasm_bindgen_test]
async fn corrupt_progress_is_reset_with_a_notice() {
    for stored in ["{not json", r#"{"version":99,"lessons":{}}"#] {
        let root = mount(Some(stored)).await;
        let notice = text(&root, ".notice");
        assert!(notice.contains("reset"), "{stored}: {notice}");
        assert_eq!(root.query_selector_all(".lesson-item").map(|l| l.length()).unwrap_or(0), 12, "the page still works");
        let saved = storage().get_item(PROGRESS_KEY).ok().flatten().unwrap_or_default();
        assert_eq!(saved, r#"{"version":1,"lessons":{}}"#, "the unusable text was replaced");
        click(&query(&root, ".notice-dismiss")).await;
        assert!(find(&root, ".notice").is_none(), "the notice can be dismissed");
    }
}
