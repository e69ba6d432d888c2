//! The lessons: every file loads, every step passes the Learn Git Branching rule (the goal is
//! not met when the step starts, and is met once its solution ran) for every declared seed, and
//! a lesson replays identically. Bad lesson files fail with file and line; no text panics.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use streamlab::lessons::{parse_lesson, Action, render_markdown, LessonCatalogue, LessonRun, Syntax, LESSON_FILES};
use streamlab::world::World;

fn dump(world: &World) -> String {
    let mut out = String::new();
    for topic in world.log().topics() {
        for partition in topic.partitions() {
            for r in partition.fetch(topic.name(), partition.log_start_offset(), usize::MAX).unwrap() {
                out.push_str(&format!("{}/{}/{}/{}/{:?}/{:?}\n", topic.name(), r.partition, r.offset, r.timestamp, r.key, r.value));
            }
        }
    }
    for group in world.group_views() {
        out.push_str(&format!("{} lag {} paused {}\n", group.group, group.total_lag, group.paused));
    }
    out.push_str(&format!("queries {:?}\n", world.engine().query_ids()));
    out
}

#[test]
fn every_file_in_lessons_is_listed_and_every_listed_file_exists() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = LESSON_FILES.iter().map(|(name, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(listed, on_disk, "src/lessons/files.rs must list exactly the .toml files in lessons/");
    for (name, text) in LESSON_FILES {
        assert_eq!(&std::fs::read_to_string(dir.join(name)).unwrap(), text, "{name} is embedded as is");
    }
}

#[test]
fn every_lesson_loads_in_the_talks_order() {
    let catalogue = LessonCatalogue::load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalogue.lessons.len(), LESSON_FILES.len());
    let numbers: Vec<u32> = catalogue.lessons.iter().map(|l| l.number).collect();
    let mut sorted = numbers.clone();
    sorted.dedup();
    assert_eq!(numbers, sorted, "lesson numbers are unique");
    for lesson in &catalogue.lessons {
        assert!(lesson.file.starts_with(&format!("{:02}_", lesson.number)), "{} starts with its number", lesson.file);
        for step in &lesson.steps {
            assert!(!step.task.trim().is_empty() && !step.solution.is_empty(), "{}: {}", lesson.id, step.title);
            assert!(!step.narrative_html().contains("<script"), "{}", lesson.id);
        }
    }
}

/// build.rs compiles the files into code (src/lessons/compiled.rs); it must build exactly what
/// the parser reads from them, texts with their quotes, escapes and non-ASCII included.
#[test]
fn the_compiled_lessons_equal_the_parsed_files() {
    let compiled = LessonCatalogue::load().unwrap_or_else(|e| panic!("{e}"));
    let parsed = LessonCatalogue::parse(LESSON_FILES).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(compiled.lessons.len(), parsed.lessons.len());
    for (compiled, parsed) in compiled.lessons.iter().zip(&parsed.lessons) {
        assert_eq!(compiled, parsed, "{}", parsed.file);
    }
    let debug = format!("{:?}", parsed.lessons);
    assert!(debug.contains("\\\"") && debug.contains("\\n") && !debug.is_ascii(), "the comparison covers escapes");
}

#[test]
fn a_repeated_lesson_id_is_refused_with_both_files() {
    let (name, text) = LESSON_FILES[0];
    let error = LessonCatalogue::parse(&[(name, text), ("copy.toml", text)]).map(|_| ()).unwrap_err().to_string();
    assert!(error.starts_with("copy.toml: id '") && error.ends_with(&format!("is already used by {name}")), "{error}");
}

/// The Learn Git Branching rule, for every step of every lesson and every declared seed.
#[test]
fn every_step_starts_unsolved_and_its_solution_solves_it() {
    let catalogue = LessonCatalogue::load().unwrap();
    for lesson in &catalogue.lessons {
        for &seed in &lesson.test_seeds {
            let (mut world, mut run) = LessonRun::start(lesson, seed).unwrap_or_else(|e| panic!("{e}"));
            for index in 0..lesson.steps.len() {
                if index > 0 {
                    run.enter_step(&mut world, index).unwrap_or_else(|e| panic!("{e}"));
                }
                let before = run.check(&world);
                assert!(!before.done, "{} seed {seed} step {}: goal already met at the start: {}", lesson.id, index + 1, before.detail);
                run.apply_solution(&mut world).unwrap_or_else(|e| panic!("{e}"));
                let after = run.check(&world);
                assert!(after.done, "{} seed {seed} step {}: the solution does not meet the goal: {}", lesson.id, index + 1, after.detail);
                assert_eq!(world.take_query_error(), None, "{} step {}", lesson.id, index + 1);
            }
        }
    }
}

/// Reset rebuilds the same state as playing through (checked at the first and the last step,
/// which replays every earlier solution), and the same seed gives the same world.
#[test]
fn lessons_replay_identically_and_reset_rebuilds_each_step() {
    let catalogue = LessonCatalogue::load().unwrap();
    for lesson in &catalogue.lessons {
        let seed = lesson.seed;
        let last = lesson.steps.len() - 1;
        let (mut played, mut run) = LessonRun::start(lesson, seed).unwrap();
        for index in 0..=last {
            if index > 0 {
                run.enter_step(&mut played, index).unwrap();
            }
            if index == 0 || index == last {
                let mut other_run = run.clone();
                let rebuilt = other_run.world_at_step(index).unwrap();
                assert_eq!(dump(&rebuilt), dump(&played), "{} step {}: reset gives the played state", lesson.id, index + 1);
                assert_eq!(rebuilt.now_ms(), played.now_ms());
                assert_eq!(other_run.check(&rebuilt), run.check(&played));
            }
            run.apply_solution(&mut played).unwrap();
        }
    }
}

/// Every statement a lesson runs is ksqlDB: the exported script holds each of them.
#[test]
fn a_lesson_exports_as_a_ksqldb_script() {
    let catalogue = LessonCatalogue::load().unwrap();
    let lesson = catalogue.get("ksql-examples").unwrap();
    let script = streamlab::lessons::export_script(lesson);
    assert!(script.contains("CREATE STREAM syslog_invalid_users AS"), "{script}");
    assert!(script.contains("-- Step 2 solution"), "{script}");
    assert!(script.contains("-- add the syslog producer at 5 events/s"), "{script}");
}

fn error_of(text: &str) -> String {
    parse_lesson("broken.toml", text).map(|l| l.id).unwrap_err().to_string()
}

const GOOD_STEP: &str = r#"
[[steps]]
title = "t"
task = "do it"
solution = [{ do = "advance", by = "1s" }]
goal = { check = "clock_past", elapsed = "1s" }
"#;

#[test]
fn a_bad_lesson_file_is_reported_with_file_and_line() {
    let header = "id = \"x\"\nnumber = 1\ntitle = \"T\"\nsummary = \"S\"\n";
    let good = format!("{header}{GOOD_STEP}");
    assert!(parse_lesson("good.toml", &good).is_ok(), "{:?}", parse_lesson("good.toml", &good));

    // A TOML syntax error: an unclosed string on line 3.
    let error = error_of("id = \"x\"\nnumber = 1\ntitle = \"T\nsummary = \"S\"\n");
    assert!(error.starts_with("broken.toml:3:"), "{error}");

    // An unknown action on line 9 (the step's solution).
    let bad_action = good.replace("do = \"advance\"", "do = \"teleport\"");
    let error = error_of(&bad_action);
    assert!(error.starts_with("broken.toml:9:"), "{error}");
    assert!(error.contains("teleport"), "{error}");

    // A misspelt check field.
    let error = error_of(&good.replace("elapsed", "elapsd"));
    assert!(error.starts_with("broken.toml:10:"), "{error}");

    // A bad duration.
    let error = error_of(&good.replace("by = \"1s\"", "by = \"one second\""));
    assert!(error.starts_with("broken.toml:9:") && error.contains("not a duration"), "{error}");

    // Missing steps, an unknown scenario.
    let error = error_of(header);
    assert!(error.starts_with("broken.toml:") && error.contains("steps"), "{error}");
    let unknown = format!("{header}setup = [{{ do = \"add_producer\", scenario = \"stock_ticker\", rate = 1 }}]\n{GOOD_STEP}");
    let error = error_of(&unknown);
    assert!(error.starts_with("broken.toml:5:") && error.contains("stock_ticker"), "{error}");

    // An id that cannot go in a URL.
    let error = error_of(&good.replace("id = \"x\"", "id = \"Not OK\""));
    assert!(error.starts_with("broken.toml:1:"), "{error}");
}

/// Every `<` in rendered HTML opens a tag the renderer writes, with no attribute but its own.
fn only_our_tags(html: &str) -> bool {
    const TAGS: &[&str] = &[
        "p>", "/p>", "h1>", "/h1>", "h2>", "/h2>", "h3>", "/h3>", "h4>", "/h4>", "h5>", "/h5>", "h6>", "/h6>",
        "blockquote>", "/blockquote>", "pre>", "/pre>", "code>", "/code>", "ol>", "ol start=\"", "/ol>", "ul>", "/ul>",
        "li>", "/li>", "table>", "/table>", "thead>", "/thead>", "tbody>", "/tbody>", "tr>", "/tr>", "th>", "/th>",
        "td>", "/td>", "em>", "/em>", "strong>", "/strong>", "del>", "/del>", "a href=\"", "/a>", "img src=\"", "br>", "hr>",
    ];
    html.match_indices('<').all(|(i, _)| TAGS.iter().any(|t| html[i + 1..].starts_with(t)))
        && !html.contains("=\"javascript")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_lesson_text_panics(text in "\\PC*") {
        let _ = parse_lesson("random.toml", &text);
        let _ = render_markdown(&text);
    }

    #[test]
    fn no_mutated_lesson_panics(cut in 0usize..4000, insert in "[\\[\\]{}=\"'\\n a-z0-9_.,#-]{0,12}") {
        let (_, text) = LESSON_FILES[0];
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
        // Only lessons that stay short in virtual time are played: a mutation can turn "2s" into
        // "2d", which is valid and merely slow.
        let short = |actions: &[Action]| actions.iter().all(|a| match a {
            Action::Advance { by } => by.0 <= 60_000,
            Action::AdvanceTo { .. } => false,
            _ => true,
        });
        let parsed = parse_lesson("mutated.toml", &mutated);
        if let Ok(lesson) = parsed.as_ref().map_err(|_| ()).and_then(|l| {
            let all_short = short(&l.setup) && l.steps.iter().all(|s| short(&s.actions) && short(&s.solution));
            if all_short { Ok(l) } else { Err(()) }
        }) {
            // A lesson that still parses may be wrong in any way: running it must not panic either.
            if let Ok((mut world, mut run)) = LessonRun::start(lesson, 1) {
                let _ = run.check(&world);
                let _ = run.apply_solution(&mut world);
                let _ = run.enter_step(&mut world, 1);
            }
        }
    }

    #[test]
    fn markdown_output_never_holds_a_raw_tag_from_the_input(text in "[<>a-z =\"/:()\\[\\]!\\n*`]{0,80}") {
        let html = render_markdown(&text);
        prop_assert!(only_our_tags(&html), "{}", html);
    }
}

/// Lesson 11's toggle: the 2018 KSQL and the ksqlDB form of each step both solve it, and they
/// really differ (the 2018 form is the talk's slide: no `EMIT CHANGES`).
#[test]
fn both_syntaxes_of_a_step_solve_it() {
    let catalogue = LessonCatalogue::load().unwrap_or_else(|e| panic!("{e}"));
    let mut n_variants = 0;
    for lesson in &catalogue.lessons {
        for (index, step) in lesson.steps.iter().enumerate() {
            let Some(variants) = &step.syntax else { continue };
            n_variants += 1;
            assert!(!variants.ksql_2018.contains("EMIT CHANGES"), "{} step {}: the 2018 form has no EMIT CHANGES", lesson.id, index + 1);
            assert!(variants.ksqldb.contains("EMIT CHANGES"), "{} step {}: the modern form says EMIT CHANGES", lesson.id, index + 1);
            for syntax in [Syntax::Ksql2018, Syntax::KsqlDb] {
                let (_, mut run) = LessonRun::start(lesson, lesson.seed).unwrap_or_else(|e| panic!("{e}"));
                let mut world = run.world_at_step(index).unwrap_or_else(|e| panic!("{e}"));
                assert!(!run.check(&world).done, "{} step {}: solved before the {syntax:?} form ran", lesson.id, index + 1);
                run.apply_solution_in(&mut world, syntax).unwrap_or_else(|e| panic!("{} step {} {syntax:?}: {e}", lesson.id, index + 1));
                let status = run.check(&world);
                assert!(status.done, "{} step {} {syntax:?}: goal not met: {}", lesson.id, index + 1, status.detail);
            }
        }
    }
    assert_eq!(n_variants, 3, "lesson 11's three examples have both syntaxes");
}
