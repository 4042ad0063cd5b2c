//! Tests of the shipped reference data, the demo data and the importers.
//!
//! Importer tests read the material in `../shared` beside the repository root and skip, with a
//! printed message, when it is absent (a fresh clone has no `../shared`).

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::str::FromStr;

use cats_domain::reference::{OfficeRole, Restriction};
use cats_reference::{
    demo_data, import_customs_office_list, import_hs_csv, import_unlocode_csv, merge_hs,
    merge_locations, merge_offices, shipped_catalog, PartyKind, UserRole,
};
use rust_decimal::Decimal;

/// `../shared` beside the repository root, or `None` (with a message) when it is absent.
fn shared(relative: &str, test: &str) -> Option<PathBuf> {
    let path =
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).join(relative);
    if path.exists() {
        Some(path)
    } else {
        println!(
            "SKIPPED {test}: {} is absent (the ../shared material is not beside the repository)",
            path.display()
        );
        None
    }
}

fn roles(codes: &[&str]) -> BTreeSet<OfficeRole> {
    codes
        .iter()
        .map(|c| OfficeRole::from_code(c).unwrap())
        .collect()
}

#[test]
fn shipped_catalogue_has_the_demo_offices_with_their_roles() {
    let catalog = shipped_catalog().unwrap();
    let expected: [(&str, &[&str], Option<&str>, &str); 16] = [
        ("KZALA001", &["DEP", "DES"], Some("KZALA"), "Asia/Almaty"),
        (
            "KZHOR001",
            &["DEP", "TRA", "EXT"],
            Some("KZHOR"),
            "Asia/Almaty",
        ),
        (
            "KZDOS001",
            &["DEP", "TRA", "EXT"],
            Some("KZDOS"),
            "Asia/Almaty",
        ),
        (
            "KZAAU001",
            &["DEP", "DES", "TRA", "EXT"],
            Some("KZAAU"),
            "Asia/Aqtau",
        ),
        ("KZKUR001", &["TRA", "EXT"], Some("KZKUR"), "Asia/Aqtau"),
        (
            "AZALA001",
            &["DEP", "DES", "TRA", "EXT"],
            Some("AZALA"),
            "Asia/Baku",
        ),
        ("AZBAK001", &["DEP", "DES"], Some("AZBAK"), "Asia/Baku"),
        ("AZQAZ001", &["TRA", "EXT"], Some("AZKAZ"), "Asia/Baku"),
        ("AZAST001", &["TRA", "EXT"], Some("AZAST"), "Asia/Baku"),
        ("GERBR001", &["TRA", "EXT"], Some("GEGAR"), "Asia/Tbilisi"),
        ("GETBS001", &["DEP", "DES"], Some("GETBS"), "Asia/Tbilisi"),
        (
            "GEPTI001",
            &["DEP", "DES", "TRA", "EXT"],
            Some("GEPTI"),
            "Asia/Tbilisi",
        ),
        (
            "GEBUS001",
            &["DEP", "DES", "TRA", "EXT"],
            Some("GEBUS"),
            "Asia/Tbilisi",
        ),
        ("GESRP001", &["TRA", "EXT"], None, "Asia/Tbilisi"),
        (
            "TMKRW001",
            &["DEP", "DES", "TRA", "EXT"],
            Some("TMKRW"),
            "Asia/Ashgabat",
        ),
        ("UZTAS001", &["DEP", "DES"], Some("UZTAS"), "Asia/Tashkent"),
    ];
    assert_eq!(catalog.offices.len(), 16);
    for (reference, role_codes, unlocode, zone) in expected {
        let office = catalog
            .office(reference)
            .unwrap_or_else(|| panic!("{reference} missing"));
        assert_eq!(office.roles, roles(role_codes), "{reference}");
        assert_eq!(office.unlocode.as_deref(), unlocode, "{reference}");
        assert_eq!(office.time_zone, zone, "{reference}");
        assert_eq!(&office.country, &reference[..2]);
        assert!(
            office.names.contains_key("en") && office.names.contains_key("ru"),
            "{reference}"
        );
        assert_eq!(
            office.source,
            "CATS demo data (issue 2); names and places real"
        );
        if let Some(u) = unlocode {
            assert!(catalog.locations.contains_key(u), "{u} not in locations");
        }
    }
    assert_eq!(
        catalog.office("KZALA001").unwrap().name(),
        "Almaty inland customs terminal"
    );
    assert_eq!(catalog.locations.len(), 15);
    assert_eq!(catalog.locations["KZAAU"].function, "12-4----");
}

#[test]
fn shipped_hs_has_every_chapter_and_no_subheading() {
    let catalog = shipped_catalog().unwrap();
    for n in 1..=97 {
        let chapter = format!("{n:02}");
        assert_eq!(
            catalog.hs.contains_key(&chapter),
            n != 77,
            "chapter {chapter}"
        );
    }
    assert!(
        !catalog.hs.contains_key("99"),
        "Comtrade's 99 is not an HS chapter"
    );
    assert!(catalog.hs["2402"].description.starts_with("Cigars"));
    assert!(catalog.hs["8703"].description.starts_with("Motor cars"));
    assert!(catalog.hs.keys().all(|k| k.len() == 2 || k.len() == 4));
    assert_eq!(catalog.hs.len(), 96 + 1228);
    assert!(catalog
        .hs
        .values()
        .all(|e| e.source == cats_reference::HS_SOURCE));
    assert!(catalog.hs_code_exists("870323"));
    assert!(!catalog.hs_code_exists("770000"));
}

#[test]
fn restricted_goods_list() {
    let catalog = shipped_catalog().unwrap();
    assert_eq!(catalog.restricted.len(), 3);
    let arms = catalog.restrictions_for("930190");
    assert_eq!(arms.len(), 1);
    assert_eq!(arms[0].restriction, Restriction::Prohibited);
    for hs in ["240220", "220830"] {
        let found = catalog.restrictions_for(hs);
        assert_eq!(found.len(), 1, "{hs}");
        assert_eq!(found[0].restriction, Restriction::AlwaysControlled);
        assert!(!found[0].reason.is_empty() && !found[0].source.is_empty());
    }
    assert!(catalog.restrictions_for("870323").is_empty());
}

#[test]
fn countries_and_currencies() {
    let catalog = shipped_catalog().unwrap();
    let participating: BTreeSet<&str> = catalog
        .countries
        .values()
        .filter(|c| c.participating)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(
        participating,
        BTreeSet::from(["AZ", "GE", "KZ", "TM", "UZ"])
    );
    let carec: BTreeSet<&str> = catalog
        .countries
        .values()
        .filter(|c| c.carec)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(
        carec,
        BTreeSet::from(["AF", "AZ", "CN", "GE", "KG", "KZ", "MN", "PK", "TJ", "TM", "UZ"])
    );
    for c in ["RU", "IR", "TR", "AM", "IN", "BY", "UA"] {
        assert!(catalog.countries.contains_key(c), "{c}");
        assert!(!catalog.is_participating(c));
    }
    assert!(catalog.is_participating("KZ"));
    let national = [
        ("KZ", "kk"),
        ("AZ", "az"),
        ("GE", "ka"),
        ("TM", "tk"),
        ("UZ", "uz"),
        ("KG", "ky"),
        ("TJ", "tg"),
        ("MN", "mn"),
        ("CN", "zh"),
        ("TR", "tr"),
        ("IR", "fa"),
        ("AM", "hy"),
        ("AF", "ps"),
        ("AF", "fa"),
        ("PK", "ur"),
    ];
    for (country, lang) in national {
        assert!(
            catalog.countries[country].names.contains_key(lang),
            "{country} {lang}"
        );
    }
    assert_eq!(catalog.countries["KZ"].names["ru"], "Казахстан");
    assert_eq!(catalog.countries["GE"].names["ka"], "საქართველო");
    for code in [
        "USD", "EUR", "CNY", "RUB", "GBP", "CHF", "TRY", "KZT", "AZN", "GEL", "TMT", "UZS",
    ] {
        let currency = &catalog.currencies[code];
        assert_eq!(currency.minor_unit, 2, "{code}");
        assert!(!currency.source.is_empty());
    }
}

#[test]
fn demo_parties_users_and_guarantees() {
    let demo = demo_data().unwrap();
    assert_eq!(demo.parties.len(), 5);
    assert_eq!(demo.users.len(), 11);
    assert_eq!(demo.guarantees.len(), 3);

    let silkway = demo.party("silkway").unwrap();
    assert_eq!(silkway.name, "Silk Way Logistics LLP");
    assert_eq!(silkway.identification_number, "KZ840000123456");
    assert_eq!(
        (silkway.kind, silkway.status.as_str()),
        (PartyKind::Trader, "AEO")
    );
    assert_eq!(demo.party("caspian").unwrap().status, "authorised trader");
    assert_eq!(demo.party("kura").unwrap().kind, PartyKind::Insurer);

    let officer = demo.user("officer.tm").unwrap();
    assert_eq!(
        (officer.role, officer.offices_country.as_deref()),
        (UserRole::Officer, Some("TM"))
    );
    assert_eq!(
        demo.user("steppe").unwrap().party.as_deref(),
        Some("steppe")
    );
    assert_eq!(demo.user("admin").unwrap().role, UserRole::Admin);
    let officers = demo
        .users
        .iter()
        .filter(|u| u.role == UserRole::Officer)
        .count();
    assert_eq!(officers, 5);

    let expect = [
        (
            "25KZ0000SRI000010",
            "steppe",
            "silkway",
            "1000000.00",
            "USD",
            "1111",
        ),
        (
            "25KZ0000SRI000020",
            "steppe",
            "caspian",
            "100000.00",
            "USD",
            "2222",
        ),
        (
            "25GE0000CGI000017",
            "kura",
            "kartli",
            "500000.00",
            "EUR",
            "3333",
        ),
    ];
    for (grn, insurer, holder, amount, currency, code) in expect {
        let g = demo.guarantee(grn).unwrap();
        assert_eq!((g.insurer.as_str(), g.holder.as_str()), (insurer, holder));
        assert_eq!(g.reference_amount, Decimal::from_str(amount).unwrap());
        assert_eq!(
            (g.currency.as_str(), g.access_code.as_str()),
            (currency, code)
        );
        assert_eq!(g.valid_from.to_string(), "2025-01-01");
        assert_eq!(g.valid_to.to_string(), "2027-12-31");
        assert_eq!(g.countries, ["KZ", "AZ", "GE", "TM", "UZ"]);
    }
    let json = serde_json::to_value(&demo.users[0]).unwrap();
    assert_eq!(json["role"], "trader");
}

#[test]
fn customs_office_list_import() {
    let Some(zip) = shared(
        "reference/col/COL-Generic-20241105.zip",
        "customs_office_list_import",
    ) else {
        return;
    };
    let started = std::time::Instant::now();
    let offices = import_customs_office_list(&zip).unwrap();
    println!(
        "imported {} offices in {:?}",
        offices.len(),
        started.elapsed()
    );
    assert_eq!(offices.len(), 4136);
    let countries: HashSet<&str> = offices.iter().map(|o| o.country.as_str()).collect();
    assert_eq!(countries.len(), 38);
    // Offices per role, as counted independently in the XML (roles outside DEP..REC are ignored).
    let with_role = |code: &str| {
        offices
            .iter()
            .filter(|o| o.has_role(OfficeRole::from_code(code).unwrap()))
            .count()
    };
    let per_role: Vec<usize> = ["DEP", "DES", "TRA", "EXT", "GUA", "ENQ", "REC"]
        .iter()
        .map(|c| with_role(c))
        .collect();
    assert_eq!(per_role, [2484, 2484, 1124, 1463, 1080, 1576, 1493]);
    assert_eq!(offices.iter().filter(|o| o.roles.is_empty()).count(), 1114);
    assert_eq!(offices.iter().filter(|o| o.unlocode.is_some()).count(), 911);

    let ad = offices.iter().find(|o| o.reference == "AD000001").unwrap();
    assert_eq!(ad.country, "AD");
    assert_eq!(ad.unlocode.as_deref(), Some("ADALV"));
    assert_eq!(ad.roles, roles(&["DEP", "DES", "TRA"]));
    assert_eq!(ad.names["en"], "CUSTOMS OFFICE SANT JULIÀ DE LÒRIA");
    assert_eq!(ad.names["es"], "ADUANA DE ST. JULIÀ DE LÒRIA");
    assert_eq!(ad.valid_from.unwrap().to_string(), "2020-03-23");
    assert_eq!(ad.time_zone, "Europe/Andorra");
    assert!(ad.source.contains("COL-Generic-20241105.zip"));
    let central = offices.iter().find(|o| o.reference == "AD000003").unwrap();
    assert_eq!(central.roles, roles(&["DEP", "ENQ", "GUA", "REC"]));
    let ua = offices.iter().find(|o| o.country == "UA").unwrap();
    assert!(ua.names.contains_key("uk") && ua.names.contains_key("en"));
    let tr = offices.iter().find(|o| o.country == "TR").unwrap();
    assert_eq!(tr.time_zone, "Europe/Istanbul");

    let mut catalog = shipped_catalog().unwrap();
    let counts = merge_offices(&mut catalog, offices);
    assert_eq!((counts.added, counts.kept_existing), (4136, 0));
    assert_eq!(catalog.offices.len(), 4136 + 16);
    assert_eq!(
        catalog.office("KZALA001").unwrap().source,
        "CATS demo data (issue 2); names and places real"
    );
}

#[test]
fn demo_offices_win_over_imported_ones() {
    let mut catalog = shipped_catalog().unwrap();
    let mut imported = catalog.office("KZALA001").unwrap().clone();
    imported.names.insert("en".into(), "something else".into());
    imported.source = "imported".into();
    let counts = merge_offices(&mut catalog, [imported]);
    assert_eq!((counts.added, counts.kept_existing), (0, 1));
    assert_eq!(
        catalog.office("KZALA001").unwrap().name(),
        "Almaty inland customs terminal"
    );
}

#[test]
fn hs_csv_import() {
    let Some(csv) = shared("reference/hs/harmonized-system.csv", "hs_csv_import") else {
        return;
    };
    let entries = import_hs_csv(&csv).unwrap();
    let count = |len: usize| entries.iter().filter(|e| e.code.len() == len).count();
    assert_eq!((count(2), count(4), count(6)), (96, 1228, 5612));

    // hs.json is what tools/gen_hs.py makes of this file: the chapters and headings, word for word.
    let catalog = shipped_catalog().unwrap();
    let upper: Vec<_> = entries.iter().filter(|e| e.code.len() <= 4).collect();
    assert_eq!(upper.len(), catalog.hs.len());
    for e in upper {
        assert_eq!(catalog.hs[&e.code].description, e.description, "{}", e.code);
    }

    let mut catalog = catalog;
    assert!(
        catalog.hs_code_exists("870398"),
        "before import a heading admits any subheading"
    );
    let counts = merge_hs(&mut catalog, entries);
    assert_eq!((counts.added, counts.kept_existing), (5612, 96 + 1228));
    assert!(catalog.hs_code_exists("870323"));
    assert!(catalog.hs_code_exists("870390"));
    // HS 2022 ends heading 8703 at 870390 ("other"): neither 870398 nor 870399 is a subheading.
    assert!(!catalog.hs_code_exists("870398"));
    assert!(!catalog.hs_code_exists("870399"));
}

#[test]
fn unlocode_csv_import() {
    let Some(csv) = shared("reference/unlocode/KZ.csv", "unlocode_csv_import") else {
        return;
    };
    let locations = import_unlocode_csv(&csv).unwrap();
    assert!(locations.len() > 50, "{}", locations.len());
    let aktau = locations.iter().find(|l| l.unlocode == "KZAAU").unwrap();
    assert_eq!(
        (aktau.name.as_str(), aktau.function.as_str()),
        ("Aktau", "12-4----")
    );
    assert_eq!(aktau.source, "UNECE UN/LOCODE via open datasets (KZ.csv)");

    let mut catalog = shipped_catalog().unwrap();
    let counts = merge_locations(&mut catalog, locations.clone());
    assert_eq!(counts.added + counts.kept_existing, locations.len());
    assert_eq!(
        counts.kept_existing, 5,
        "the five KZ demo locations are shipped"
    );
}

#[test]
fn shipped_locations_match_the_unlocode_files() {
    let Some(dir) = shared(
        "reference/unlocode",
        "shipped_locations_match_the_unlocode_files",
    ) else {
        return;
    };
    let catalog = shipped_catalog().unwrap();
    for (code, shipped) in &catalog.locations {
        let imported = import_unlocode_csv(dir.join(format!("{}.csv", &code[..2]))).unwrap();
        let found = imported.iter().find(|l| &l.unlocode == code).unwrap();
        assert_eq!(
            (&found.name, &found.function),
            (&shipped.name, &shipped.function),
            "{code}"
        );
    }
    for file in [
        "AF", "AM", "AZ", "CN", "GE", "IR", "KG", "KZ", "MN", "PK", "RU", "TJ", "TM", "TR", "UZ",
    ] {
        let all = import_unlocode_csv(dir.join(format!("{file}.csv"))).unwrap();
        assert!(all.iter().all(|l| l.unlocode.starts_with(file)), "{file}");
    }
}

#[test]
fn importer_errors_name_the_file() {
    let missing = import_hs_csv("/nonexistent/hs.csv")
        .unwrap_err()
        .to_string();
    assert!(missing.contains("/nonexistent/hs.csv"), "{missing}");
    let dir = std::env::temp_dir().join(format!("cats-reference-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "section,hscode,description,parent,level\nI,01,Animals,TOTAL,2\nI,0101X,Horses,01,4\n",
    )
    .unwrap();
    let message = import_hs_csv(&bad).unwrap_err().to_string();
    assert!(
        message.contains("bad.csv") && message.contains("line 3"),
        "{message}"
    );
    let not_zip = dir.join("not.zip");
    std::fs::write(&not_zip, "not a zip").unwrap();
    let message = import_customs_office_list(&not_zip)
        .unwrap_err()
        .to_string();
    assert!(message.contains("not.zip"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}
