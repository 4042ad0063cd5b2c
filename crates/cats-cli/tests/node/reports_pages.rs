//! The reports pages (issue 17) in a real Chromium (`CATS_E2E=1`) on the replayed corridor data:
//! the KPI dashboard with the four KPIs and their trend charts, a report with its chart, table
//! and downloads, a custom report built, previewed and saved; what a trader sees; screenshots in
//! English and Russian, axe-core on each page.

use chrono::Utc;
use fantoccini::Locator;

use cats_app::Actor;

use crate::browser::{accessible, axe_source, browser, driver, enabled, shot, sign_in};
use crate::reports::{replayed, PERIOD};

const PASSWORD: &str = "browser test 2026";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboard_reports_and_the_builder_in_a_browser() {
    if !enabled() {
        return;
    }
    let (node, _, kpi) = replayed().await;
    for user in ["admin", "officer.kz", "silkway"] {
        cats_app::accounts::set_password(
            &node.app,
            &Actor::System("e2e".into()),
            user,
            PASSWORD,
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let axe = axe_source();
    let driver = driver().await;
    for lang in ["en", "ru"] {
        let client = browser(&driver, lang).await;
        sign_in(&node, &client, "officer.kz", PASSWORD).await;
        client
            .goto(&format!("{}/ui/reports?{PERIOD}", node.base))
            .await
            .unwrap();
        for id in [
            "kpi-adherence",
            "kpi-control",
            "kpi-communication",
            "kpi-downtime",
        ] {
            let card = client.find(Locator::Id(id)).await.expect(id);
            assert!(
                card.find(Locator::Css("svg")).await.is_ok(),
                "{id} has its trend chart"
            );
        }
        let body = client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            body.contains(if lang == "ru" {
                "Ключевые показатели"
            } else {
                "Key performance"
            }),
            "{body}"
        );
        shot(&client, &format!("officer-reports-{lang}")).await;
        accessible(&client, &axe, "/ui/reports").await;
        client
            .execute(
                "document.getElementById('kpi-adherence').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        shot(&client, &format!("officer-reports-trend-{lang}")).await;

        client
            .goto(&format!("{}/ui/reports/transit-times?{PERIOD}", node.base))
            .await
            .unwrap();
        let table = client
            .find(Locator::Id("report-table"))
            .await
            .expect("the report's table")
            .text()
            .await
            .unwrap();
        let route = &kpi.transit_times[0].route;
        let country_kz = kpi
            .transit_times
            .iter()
            .find(|r| r.route.contains("KZ"))
            .map_or(route, |r| &r.route);
        assert!(table.contains(country_kz.as_str()), "{table}");
        client
            .find(Locator::Css("figure.chart svg"))
            .await
            .expect("the chart");
        let csv = client
            .find(Locator::LinkText("CSV"))
            .await
            .expect("the CSV download")
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        assert!(
            csv.contains("format=csv") && csv.contains("from=2025-01-01"),
            "{csv}"
        );
        shot(&client, &format!("officer-report-transit-times-{lang}")).await;
        accessible(&client, &axe, "/ui/reports/{name}").await;

        // The builder: route × month, movements; previewed, then saved for the country.
        client
            .goto(&format!("{}/ui/reports?{PERIOD}", node.base))
            .await
            .unwrap();
        for id in [
            "d-country-pair",
            "d-month",
            "m-movements",
            "m-transit-median-hours",
        ] {
            client
                .find(Locator::Id(id))
                .await
                .expect(id)
                .click()
                .await
                .unwrap();
        }
        client
            .find(Locator::Css("#builder button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // A click does not wait for the page it leads to.
        client
            .wait()
            .at_most(std::time::Duration::from_secs(10))
            .for_element(Locator::Id("report-table"))
            .await
            .expect("the preview");
        client
            .execute(
                "document.getElementById('report-subtitle').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        shot(&client, &format!("officer-report-custom-{lang}")).await;
        accessible(&client, &axe, "/ui/reports/custom").await;
        let name = format!("Pairs by month {lang}");
        client
            .find(Locator::Id("s-name"))
            .await
            .unwrap()
            .send_keys(&name)
            .await
            .unwrap();
        client
            .find(Locator::Css("#save-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The save leads to the saved report's own page.
        for _ in 0..100 {
            let path = client.current_url().await.unwrap().path().to_string();
            if path.starts_with("/ui/reports/saved/") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let title = client
            .find(Locator::Css("main h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(title, name);
        client.close().await.unwrap();

        // A trader: its own figures, no control efficiency, no customs reports.
        let client = browser(&driver, lang).await;
        sign_in(&node, &client, "silkway", PASSWORD).await;
        client
            .goto(&format!("{}/ui/reports?{PERIOD}", node.base))
            .await
            .unwrap();
        client
            .find(Locator::Id("kpi-adherence"))
            .await
            .expect("adherence");
        assert!(client.find(Locator::Id("kpi-control")).await.is_err());
        let lists = client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .html(true)
            .await
            .unwrap();
        assert!(!lists.contains("/ui/reports/controls"));
        assert!(lists.contains("/ui/reports/by-state"));
        shot(&client, &format!("trader-reports-{lang}")).await;
        client.close().await.unwrap();
    }
}
