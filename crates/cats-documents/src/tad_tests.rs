use super::*;

fn mrn() -> Mrn {
    Mrn::parse("24GB000246J8NY33L7").unwrap()
}

fn office(code: &str, name: &str) -> TadOffice {
    TadOffice {
        reference: code.parse().unwrap(),
        name: Some(name.into()),
    }
}

fn tad(items: u32) -> Tad {
    Tad {
        mrn: mrn(),
        lrn: "KZHOR-2025-000123".into(),
        declaration_type: "T1".into(),
        additional_declaration_type: Some("A".into()),
        acceptance_date: NaiveDate::from_ymd_opt(2025, 3, 10),
        release_date: NaiveDate::from_ymd_opt(2025, 3, 10),
        office_of_departure: office("KZHOR001", "Khorgos customs post"),
        offices_of_transit: vec![office("AZALA001", "Alat"), office("GERBR001", "Red Bridge")],
        offices_of_exit: vec![office("KZAAU001", "Aktau port")],
        office_of_destination: office("GEPTI001", "Poti"),
        holder: TadParty {
            name: Some("Khorgos Gateway Logistics LLP".into()),
            id: Some(Declared::parse("KZ840000123456")),
            address: vec![
                "Dostyk street 12".into(),
                "041309 Khorgos".into(),
                "KZ".into(),
            ],
        },
        representative: None,
        consignor: Some(TadParty {
            name: Some("Xinjiang Power Equipment Co Ltd".into()),
            id: None,
            address: vec!["Kashgar Road 88, 830000 Urumqi, CN".into()],
        }),
        consignee: None,
        guarantees: vec![TadGuarantee {
            guarantee_type: "1".into(),
            grn: Some(Declared::parse("25KZ0000SRI000010")),
            other_reference: None,
        }],
        country_of_dispatch: Some(TadCountry {
            code: "KZ".into(),
            name: Some("Kazakhstan".into()),
        }),
        country_of_destination: Some(TadCountry {
            code: "GE".into(),
            name: Some("Georgia".into()),
        }),
        countries_of_routing: ["KZ", "AZ", "GE"]
            .map(|c| TadCountry {
                code: c.into(),
                name: None,
            })
            .to_vec(),
        time_limit: NaiveDate::from_ymd_opt(2025, 3, 24),
        control_result: Some(TadControl {
            code: "A2".into(),
            controlled_by: Some("KZHOR001".parse().unwrap()),
        }),
        departure_transport: vec![TadMeans {
            type_of_identification: Some("30".into()),
            identification: Some("777ABZ05".into()),
            nationality: Some("KZ".into()),
        }],
        border_transport: Vec::new(),
        inland_mode: Some("3".into()),
        border_mode: Some("1".into()),
        container_indicator: Some(true),
        equipment: vec![TadEquipment {
            container: Some("CSQU3054383".into()),
            seals: vec!["KZ-SEAL-000451".into(), "KZ-SEAL-000452".into()],
        }],
        documents: vec![TadDocument {
            kind: "N730".into(),
            reference: "CMR-KZ-2025-000123".into(),
        }],
        gross_mass_kg: Some("18450.500".into()),
        items: (1..=items)
            .map(|n| TadItem {
                number: n,
                description: format!("Goods item {n}: static converters"),
                hs_code: Some("850440".into()),
                packages: vec![TadPackage {
                    kind: "PX".into(),
                    number: Some(2),
                    marks: Some(format!("KGL {n}")),
                }],
                gross_mass_kg: Some("10.500".into()),
                net_mass_kg: Some("9.800".into()),
            })
            .collect(),
    }
}

fn with_labels<T>(f: impl FnOnce(&TadLabels) -> T) -> T {
    let labels = TadLabels {
        text: &|l| format!("[{}]", l.key()),
        page: &|x, n| format!("Page {x} / {n}"),
        day: &|d| d.format("%Y-%m-%d").to_string(),
    };
    f(&labels)
}

#[test]
fn nine_hundred_and_ninety_nine_items_run_over_numbered_pages() {
    let t = tad(999);
    let canvas = with_labels(|l| layout(&t, l)).unwrap();
    let pages = canvas.page_count();
    assert!(pages >= 10, "{pages} pages");
    let all: Vec<Vec<(f32, f32, f32, &str)>> = (0..pages).map(|p| canvas.texts(p)).collect();
    for (p, texts) in all.iter().enumerate() {
        let footer = format!("MRN {} · Page {} / {pages}", t.mrn, p + 1);
        assert!(
            texts.iter().any(|(_, _, _, s)| *s == footer),
            "page {}: no {footer}",
            p + 1
        );
        // Nothing runs into the foot of the page or over its edges.
        for (x, y, w, s) in texts {
            if *s == footer {
                continue;
            }
            assert!(*y <= canvas.height() - 30.0, "page {}: {s} at {y}", p + 1);
            assert!(*x >= 28.0, "page {}: {s} at x {x}", p + 1);
            let right = x + w;
            assert!(
                right <= canvas.width() - 28.0,
                "page {}: {s} ends at {right}",
                p + 1
            );
        }
        if p > 0 {
            assert!(
                texts
                    .iter()
                    .any(|(_, _, _, s)| s.contains("[continued]") && s.contains(t.mrn.as_str())),
                "page {} has the continuation head",
                p + 1
            );
            assert!(
                texts.iter().any(|(_, _, _, s)| *s == "[col-description]"),
                "page {} repeats the table head",
                p + 1
            );
        }
    }
    // Every item exactly once, in order.
    let items: Vec<&str> = all
        .iter()
        .flatten()
        .map(|(_, _, _, s)| *s)
        .filter(|s| s.starts_with("Goods item "))
        .collect();
    assert_eq!(items.len(), 999);
    for (i, s) in items.iter().enumerate() {
        assert_eq!(*s, format!("Goods item {}: static converters", i + 1));
    }
    let pdf = with_labels(|l| pdf(&t, l, "en")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // To look at it: CATS_KEEP_TAD=DIR keeps it as DIR/tad-999-items.pdf.
    if let Some(dir) = std::env::var_os("CATS_KEEP_TAD") {
        std::fs::write(std::path::Path::new(&dir).join("tad-999-items.pdf"), &pdf).unwrap();
    }
}

#[test]
fn the_first_page_has_every_field_and_no_empty_box() {
    let t = tad(2);
    let canvas = with_labels(|l| layout(&t, l)).unwrap();
    assert_eq!(canvas.page_count(), 1);
    let texts: Vec<&str> = canvas.texts(0).into_iter().map(|(_, _, _, s)| s).collect();
    for expected in [
        "[title]",
        "24GB000246J8NY33L7",
        "KZHOR-2025-000123",
        "T1 A",
        "KZHOR001",
        "Khorgos customs post",
        "GEPTI001",
        "AZALA001 Alat",
        "KZAAU001 Aktau port",
        "Khorgos Gateway Logistics LLP",
        "[id-number]: KZ840000123456",
        "[guarantee-type] 1 · GRN 25KZ0000SRI000010",
        "2025-03-24",
        "A2 [result-A2]",
        "[controlled-by]: KZHOR001",
        "30 · 777ABZ05 · KZ",
        "[inland]: 3 [mode-3]",
        "[at-border]: 1 [mode-1]",
        "CSQU3054383 · [seals] (2): KZ-SEAL-000451, KZ-SEAL-000452",
        "[yes]",
        "N730 CMR-KZ-2025-000123",
        "18450.500",
        "4",
        "2 × PX · KGL 1",
        "850440",
        "10.500",
        "9.800",
        "Page 1 / 1",
    ] {
        assert!(
            texts.iter().any(|s| s.contains(expected)),
            "{expected} not in {texts:?}"
        );
    }
    // No representative, consignee or border means declared: no box for them.
    for absent in ["[representative]", "[consignee]", "[transport-border]"] {
        assert!(!texts.contains(&absent), "{absent}");
    }
}

/// The Code 128 patterns of code set B by value (0-102), read from single characters encoded
/// by barcoders (start B, the character, its check character, stop): values 0-94 are the
/// printable ASCII characters, 95-102 DEL, FNC3, FNC2, SHIFT, code C, FNC4, code A, FNC1.
fn code_b_patterns() -> Vec<Vec<u8>> {
    let specials = ['\u{F7}', 'Ż', 'ź', 'Ž', 'Ć', 'ż', 'À', 'Ź'];
    (0..95u8)
        .map(|v| char::from(b' ' + v))
        .chain(specials)
        .map(|c| {
            let m = barcoders::sym::code128::Code128::new(format!("\u{0181}{c}"))
                .unwrap()
                .encode();
            m[11..22].to_vec()
        })
        .collect()
}

#[test]
fn the_barcode_encodes_the_mrn_in_code_128() {
    let m = mrn();
    let modules = mrn_barcode(&m).unwrap();
    assert_eq!(
        modules,
        barcoders::sym::code128::Code128::new(format!("Ɓ{m}"))
            .unwrap()
            .encode()
    );
    // Start B, 18 characters, check character, stop (13 modules).
    assert_eq!(modules.len(), 11 * 20 + 13);
    assert_eq!(&modules[..11], &[1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(
        &modules[modules.len() - 13..],
        &[1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1]
    );
    // Decoded character by character, it is the MRN, and the check character is right.
    let patterns = code_b_patterns();
    assert_eq!(patterns.len(), 103);
    let values: Vec<usize> = (0..19)
        .map(|i| {
            let symbol = &modules[11 * (i + 1)..11 * (i + 2)];
            patterns
                .iter()
                .position(|p| p == symbol)
                .unwrap_or_else(|| panic!("symbol {i} is not a code B character"))
        })
        .collect();
    let text: String = values[..18]
        .iter()
        .map(|v| char::from(b' ' + *v as u8))
        .collect();
    assert_eq!(text, m.as_str());
    let check = values[..18]
        .iter()
        .enumerate()
        .fold(104, |sum, (i, v)| sum + (i + 1) * v)
        % 103;
    assert_eq!(values[18], check);
    // The bars drawn cover exactly the dark modules.
    let mut redrawn = vec![0u8; modules.len()];
    for (start, len) in bars(&modules) {
        assert!(len <= 4, "a Code 128 bar is 1 to 4 modules wide");
        redrawn[start..start + len].iter_mut().for_each(|x| *x = 1);
    }
    assert_eq!(redrawn, modules);
}

#[test]
fn a_georgian_tad_is_written_with_its_fonts() {
    let t = tad(3);
    let labels = TadLabels {
        text: &|l| match l {
            Label::Title => "სატრანზიტო თანმხლები დოკუმენტი".into(),
            Label::Holder => "სატრანზიტო პროცედურის მფლობელი".into(),
            other => format!("«{}»", other.key()),
        },
        page: &|x, n| format!("გვერდი {x} / {n}"),
        day: &|d| d.format("%d.%m.%Y").to_string(),
    };
    let canvas = layout(&t, &labels).unwrap();
    let texts: Vec<&str> = canvas.texts(0).into_iter().map(|(_, _, _, s)| s).collect();
    assert!(texts.contains(&"24.03.2025"), "{texts:?}");
    assert!(texts.iter().any(|s| s.ends_with("გვერდი 1 / 1")));
    let pdf = pdf(&t, &labels, "ka").unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&pdf).contains("DejaVu"));
}

#[test]
fn every_label_has_its_own_key() {
    let mut keys: Vec<&str> = Label::ALL.iter().map(|l| l.key()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), Label::ALL.len());
    assert_eq!(Label::mode("3"), Some(Label::Mode3));
    assert_eq!(Label::mode("6"), None);
    assert_eq!(Label::result("B1"), Some(Label::ResultB1));
}
