use super::*;

const TIME: &str = "2026-12-05T00:00:00Z";

fn dataset_key() -> Key {
    Key::from_bytes([3; KEY_LEN])
}

fn sealed(level: Level) -> Package {
    encrypt_dataset(&dataset_key(), "key-1", level, br#"{"a":1}"#, TIME).expect("seals")
}

#[test]
fn dataset_round_trip_json() {
    for level in Level::ALL {
        let package = sealed(level);
        assert_eq!(package.compliance_level, COMPLIANCE_LEVEL);
        let json = package.to_json();
        let parsed = Package::from_json(&json).expect("parses");
        assert_eq!(parsed, package, "{level}");
        assert_eq!(decrypt_dataset(&dataset_key(), &parsed), Ok(br#"{"a":1}"#.to_vec()), "{level}");
    }
}

#[test]
fn json_field_names() {
    let json: Value = serde_json::from_str(&sealed(Level::Standard).to_json()).expect("JSON");
    let object = json.as_object().expect("object");
    let names: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected = FIELDS.to_vec();
    expected.sort_unstable();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    assert_eq!(object["encryption_level"], "standard");
    assert_eq!(object["key_id"], "key-1");
    assert_eq!(object["timestamp"], TIME);
    assert_eq!(BASE64.decode(object["iv"].as_str().expect("iv")).map(|iv| iv.len()), Ok(IV_LEN));
}

#[test]
fn padding_by_level() {
    let lengths = |level: Level, size: usize| {
        let plaintext = vec![b'x'; size];
        encrypt_dataset(&dataset_key(), "key-1", level, &plaintext, TIME)
            .expect("seals")
            .encrypted_data
            .len()
    };
    assert_eq!(lengths(Level::Standard, 0), 0);
    assert_eq!(lengths(Level::Standard, 300), 300);
    assert_eq!(lengths(Level::Enhanced, 0), 256);
    assert_eq!(lengths(Level::Enhanced, 255), 256);
    assert_eq!(lengths(Level::Enhanced, 256), 512);
    assert_eq!(lengths(Level::Maximum, 10), 256);
    assert_eq!(lengths(Level::Maximum, 300), 512);
    assert_eq!(lengths(Level::Maximum, 1000), 1024);
    for level in Level::ALL {
        for size in [0, 1, 255, 256, 511, 1024, 5000] {
            let plaintext = vec![0u8; size];
            let package =
                encrypt_dataset(&dataset_key(), "key-1", level, &plaintext, TIME).expect("seals");
            assert_eq!(decrypt_dataset(&dataset_key(), &package), Ok(plaintext), "{level} {size}");
        }
    }
}

#[test]
fn tamper_each_field() {
    let package = sealed(Level::Enhanced);
    let mut cases: Vec<(&str, Package)> = Vec::new();
    let mut changed = package.clone();
    changed.encrypted_data[0] ^= 1;
    cases.push(("encrypted_data", changed));
    let mut changed = package.clone();
    changed.iv[0] ^= 1;
    cases.push(("iv", changed));
    let mut changed = package.clone();
    changed.auth_tag[15] ^= 1;
    cases.push(("auth_tag", changed));
    for level in [Level::Standard, Level::Maximum] {
        let mut changed = package.clone();
        changed.encryption_level = level;
        cases.push(("encryption_level", changed));
    }
    let mut changed = package.clone();
    changed.key_id = "key-2".into();
    cases.push(("key_id", changed));
    let mut changed = package.clone();
    changed.timestamp = "2026-12-06T00:00:00Z".into();
    cases.push(("timestamp", changed));
    let mut changed = package.clone();
    changed.compliance_level = "hipaa".into();
    cases.push(("compliance_level", changed));
    let mut changed = package.clone();
    changed.encrypted_data.pop();
    cases.push(("encrypted_data truncated", changed));
    for (case, changed) in cases {
        assert_eq!(decrypt_dataset(&dataset_key(), &changed), Err(Error::NotAuthentic), "{case}");
    }
    assert_eq!(
        decrypt_dataset(&Key::from_bytes([4; KEY_LEN]), &package),
        Err(Error::NotAuthentic),
        "wrong key"
    );
}

#[test]
fn missing_fields_named() {
    let error = Package::from_json(r#"{"iv": "AAAAAAAAAAAAAAAA", "key_id": "k"}"#).err();
    let Some(Error::MissingFields(fields)) = error else {
        panic!("expected missing fields, got {error:?}");
    };
    let names: Vec<&str> = fields.names().collect();
    assert_eq!(
        names,
        ["encrypted_data", "auth_tag", "encryption_level", "timestamp", "compliance_level"]
    );
    let message = Error::MissingFields(fields).to_string();
    assert_eq!(
        message,
        "missing required fields: encrypted_data, auth_tag, encryption_level, timestamp, \
         compliance_level"
    );
}

#[test]
fn invalid_json_rejected() {
    let good: Value = serde_json::from_str(&sealed(Level::Standard).to_json()).expect("JSON");
    let with = |field: &str, value: Value| {
        let mut object = good.clone();
        object[field] = value;
        Package::from_json(&object.to_string()).err()
    };
    assert_eq!(Package::from_json("[]").err(), Some(Error::InvalidPackage { field: "package" }));
    assert_eq!(Package::from_json("{").err(), Some(Error::InvalidPackage { field: "package" }));
    assert_eq!(with("iv", Value::from(5)), Some(Error::InvalidPackage { field: "iv" }));
    assert_eq!(with("iv", "AAAA".into()), Some(Error::InvalidPackage { field: "iv" }));
    assert_eq!(with("auth_tag", "!!".into()), Some(Error::InvalidPackage { field: "auth_tag" }));
    assert_eq!(
        with("encrypted_data", "a b".into()),
        Some(Error::InvalidPackage { field: "encrypted_data" })
    );
    assert_eq!(with("encryption_level", "high".into()), Some(Error::UnknownLevel));
    assert_eq!(with("key_id", "".into()), Some(Error::InvalidId { field: "key_id", length: 0 }));
    assert_eq!(
        with("timestamp", "t".repeat(65).into()),
        Some(Error::InvalidPackage { field: "timestamp" })
    );
    let huge = " ".repeat(MAX_SEAL_PACKAGE_JSON_BYTES + 1);
    assert_eq!(
        Package::from_json(&huge).err(),
        Some(Error::PackageTooLarge { length: huge.len(), max: MAX_SEAL_PACKAGE_JSON_BYTES })
    );
}

#[test]
fn conversation_round_trip() {
    let key = dataset_key();
    let package = encrypt_conversation_content(
        &key,
        "conv-1",
        "key-1",
        Level::Maximum,
        "I felt better",
        TIME,
    )
    .expect("seals");
    let parsed = Package::from_json(&package.to_json()).expect("parses");
    assert_eq!(decrypt_conversation_content(&key, "conv-1", &parsed), Ok("I felt better".into()));
    assert_eq!(decrypt_conversation_content(&key, "conv-2", &parsed), Err(Error::NotAuthentic));
    assert_eq!(decrypt_dataset(&key, &parsed), Err(Error::NotAuthentic), "not a dataset package");
}

#[test]
fn conversation_key_shreds_one() {
    // Sealed under the derived key: the conversation key alone opens it, the dataset key's
    // direct use does not, and another conversation's key does not.
    let key = dataset_key();
    let package =
        encrypt_conversation_content(&key, "conv-1", "key-1", Level::Enhanced, "notes", TIME)
            .expect("seals");
    let conversation_key = derive_conversation_key(&key, "conv-1").expect("derives");
    assert_eq!(
        open(&conversation_key, Kind::Conversation("conv-1"), &package),
        Ok(b"notes".to_vec())
    );
    let other = derive_conversation_key(&key, "conv-2").expect("derives");
    assert_eq!(open(&other, Kind::Conversation("conv-1"), &package), Err(Error::NotAuthentic));
    assert_eq!(open(&key, Kind::Conversation("conv-1"), &package), Err(Error::NotAuthentic));
}

#[test]
fn conversation_size_limit() {
    let key = dataset_key();
    let at_limit = "a".repeat(MAX_SEAL_PACKAGE_BYTES);
    let package =
        encrypt_conversation_content(&key, "conv-1", "key-1", Level::Standard, &at_limit, TIME);
    assert_eq!(package.map(|package| package.encrypted_data.len()), Ok(MAX_SEAL_PACKAGE_BYTES));
    let over = "a".repeat(MAX_SEAL_PACKAGE_BYTES + 1);
    assert_eq!(
        encrypt_conversation_content(&key, "conv-1", "key-1", Level::Standard, &over, TIME).err(),
        Some(Error::PackageTooLarge { length: over.len(), max: MAX_SEAL_PACKAGE_BYTES })
    );
    assert_eq!(
        encrypt_conversation_content(&key, "", "key-1", Level::Standard, "x", TIME).err(),
        Some(Error::InvalidId { field: "conversation_id", length: 0 })
    );
}

#[test]
fn ivs_differ() {
    assert_ne!(sealed(Level::Standard).iv, sealed(Level::Standard).iv);
}
