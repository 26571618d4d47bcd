//! A one-off build defers each task's page contexts until its pages render (so that 10,000
//! tasks' contexts are never in memory at once); the pages must be the ones a plan with every
//! context built renders.

mod common;

use common::demo_root;
use medal::render::{self, RenderOptions};

#[test]
fn deferred_task_pages_render_as_planned_ones() {
    let root = demo_root();
    let config = medal::config::Config::load(&root).expect("medal.toml");
    let (portal, _) = medal::load_checked(&root).unwrap_or_else(|e| panic!("{e}"));
    let computed = medal::compute::compute(&portal);
    let theme = medal::theme::Theme::load(&root, &config.theme).expect("theme");
    let site = |defer_tasks: bool| {
        let opts = RenderOptions {
            defer_tasks,
            ..Default::default()
        };
        let plan = render::plan(&portal, &computed, &config, &theme, &opts).expect("plan");
        let unbuilt = plan.jobs.iter().filter(|j| !j.built).count();
        let own = plan.jobs.iter().filter(|j| j.task.is_some()).count();
        assert!(own > 0, "the demo has task pages");
        let files = render::render(&portal, &computed, &config, &theme, &opts).expect("render");
        (unbuilt, own, files)
    };
    let (unbuilt, _, planned) = site(false);
    assert_eq!(unbuilt, 0, "every context planned");
    let (unbuilt, own, deferred) = site(true);
    assert_eq!(
        unbuilt, own,
        "every task page, data card and analysis deferred"
    );
    assert_eq!(
        planned.iter().map(|f| &f.path).collect::<Vec<_>>(),
        deferred.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    for (a, b) in planned.iter().zip(&deferred) {
        assert!(a.bytes == b.bytes, "{} differs when deferred", a.path);
    }
}
