//! Login, refresh rotation, revocation, introspection, the revocation snapshot and signing key
//! rotation, each run on SQLite and on PostgreSQL.

mod common;

use std::collections::HashSet;

use axum::http::StatusCode;
use common::{jws_parts, location, Db, PASSWORD};
use jwt_simple::prelude::*;
use serde_json::{json, Value};

both_backends!(
    login_issues_contract_token,
    login_wrong_password_rejected_and_audited,
    login_rate_limited_with_retry_after,
    refresh_rotates_and_reuse_revokes_family,
    refresh_race_has_one_winner,
    refresh_grace_covers_only_previous_token,
    revoke_access_token_reaches_snapshot,
    log_out_everywhere_sets_not_before,
    signing_key_rotation_keeps_old_tokens_valid,
    revoke_by_jti_needs_admin,
    admin_ends_another_users_sessions,
);

fn ed25519_key(jwks: &Value, kid: &str) -> Ed25519PublicKey {
    let jwk =
        jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid).expect("kid is in the JWK Set");
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["alg"], "EdDSA");
    assert_eq!(jwk["use"], "sig");
    use base64::Engine;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
    Ed25519PublicKey::from_bytes(&x).unwrap()
}

async fn login_issues_contract_token(db: Db) {
    let h = location(db).await.start().await;
    let user_id = h.add_user("ana", "therapist", &["p1", "p2"]).await;
    let body = h.login("ana").await;

    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["compliance_level"], "hipaa_plus_plus");
    let access = body["access_token"].as_str().unwrap();
    assert!(body["refresh_token"].as_str().unwrap().len() >= 43);

    let (header, claims) = jws_parts(access);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "at+jwt");
    let kid = header["kid"].as_str().unwrap();
    assert_eq!(claims["iss"], "techdeck-keyserver");
    assert_eq!(claims["aud"], "techdeck");
    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(claims["user_id"], user_id.as_str());
    assert_eq!(claims["role"], "therapist");
    assert_eq!(claims["type"], "access");
    assert_eq!(claims["compliance_level"], "hipaa_plus_plus");
    assert_eq!(claims["patients"], json!(["p1", "p2"]));
    assert!(claims["jti"].is_string());
    assert!(claims["session_id"].is_string());
    assert_eq!(claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(), 900);
    assert!(claims.get("ip_hash").is_none(), "binding is off by default");

    let jwks = h.get("/.well-known/jwks.json").await;
    assert_eq!(jwks.status, StatusCode::OK);
    let key = ed25519_key(&jwks.body, kid);
    let options = VerificationOptions {
        required_signature_type: Some("at+jwt".into()),
        allowed_audiences: Some(HashSet::from(["techdeck".to_string()])),
        ..Default::default()
    };
    key.verify_token::<Value>(access, Some(options)).expect("the token verifies with the published key");

    let introspected = h.introspect(access, access).await;
    assert_eq!(introspected["active"], true);
    assert_eq!(introspected["sub"], user_id.as_str());
    assert_eq!(introspected["role"], "therapist");
}

async fn login_wrong_password_rejected_and_audited(db: Db) {
    let h = location(db).await.start().await;
    let user_id = h.add_user("ben", "user", &[]).await;
    let reply =
        h.post_json("/v1/login", None, json!({ "username": "ben", "password": "wrong password!!" })).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], "INVALID_CREDENTIALS");

    let unknown = h.post_json("/v1/login", None, json!({ "username": "nobody", "password": PASSWORD })).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.body["error"]["message"], reply.body["error"]["message"]);

    let rows = h.server.store.audit_rows(0, 100).await.unwrap();
    let failure =
        rows.iter().find(|r| r.action == "login" && r.resource == user_id).expect("failed login audited");
    assert_eq!(failure.outcome, "failure");
    assert_eq!(failure.detail, r#"{"reason":"bad_password"}"#);
    assert!(rows.iter().any(|r| r.action == "login" && r.resource == "unknown_user"));
    for row in &rows {
        assert!(!row.detail.contains("wrong password"));
        assert!(!row.detail.contains(PASSWORD));
    }
}

async fn login_rate_limited_with_retry_after(db: Db) {
    let h = location(db).await.with("RATE_LIMIT_AUTH", "3/minute").start().await;
    h.add_user("cy", "user", &[]).await;
    for _ in 0..3 {
        let reply =
            h.post_json("/v1/login", None, json!({ "username": "cy", "password": "not it at all" })).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let reply = h.post_json("/v1/login", None, json!({ "username": "cy", "password": PASSWORD })).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.body["error"]["code"], "RATE_LIMITED");
    let retry: u64 = reply.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "retry-after {retry}");
}

async fn refresh(h: &common::Harness, token: &str) -> common::Reply {
    h.post_json("/v1/refresh", None, json!({ "refresh_token": token })).await
}

async fn refresh_rotates_and_reuse_revokes_family(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("dee", "user", &[]).await;
    let first = h.login("dee").await;
    let rt1 = first["refresh_token"].as_str().unwrap();

    let second = refresh(&h, rt1).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let rt2 = second.body["refresh_token"].as_str().unwrap();
    let at2 = second.body["access_token"].as_str().unwrap();
    assert_ne!(rt1, rt2);
    let (_, c1) = jws_parts(first["access_token"].as_str().unwrap());
    let (_, c2) = jws_parts(at2);
    assert_eq!(c1["session_id"], c2["session_id"], "refresh keeps the session");
    assert_eq!(h.introspect(at2, at2).await["active"], true);

    let reused = refresh(&h, rt1).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reused.body["error"]["code"], "REFRESH_TOKEN_REUSED");

    let after = refresh(&h, rt2).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["error"]["code"], "INVALID_TOKEN");

    let other = h.login("dee").await;
    let probe = other["access_token"].as_str().unwrap();
    assert_eq!(h.introspect(probe, at2).await["active"], false, "the family's access tokens are revoked");

    let rows = h.server.store.audit_rows(0, 100).await.unwrap();
    let alert = rows.iter().find(|r| r.action == "refresh.reuse").expect("reuse audited");
    assert_eq!(alert.outcome, "alert");

    let (_, snapshot) = jws_parts(&h.get("/v1/revocations").await.text);
    let revoked: Vec<&str> =
        snapshot["revoked"].as_array().unwrap().iter().map(|r| r["jti"].as_str().unwrap()).collect();
    assert!(revoked.contains(&c2["jti"].as_str().unwrap()));
}

async fn refresh_race_has_one_winner(db: Db) {
    let h = std::sync::Arc::new(location(db).await.start().await);
    h.add_user("eve", "user", &[]).await;
    let login = h.login("eve").await;
    let token = login["refresh_token"].as_str().unwrap().to_string();

    let racers: Vec<_> = (0..8)
        .map(|_| {
            let h = h.clone();
            let token = token.clone();
            tokio::spawn(async move { refresh(&h, &token).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    let winners = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(winners, 1, "statuses: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED));
}

async fn refresh_grace_covers_only_previous_token(db: Db) {
    let h = location(db).await.with("REFRESH_GRACE_SECONDS", "30").start().await;
    h.add_user("fay", "user", &[]).await;
    let rt1 = h.login("fay").await["refresh_token"].as_str().unwrap().to_string();
    let rt2 = refresh(&h, &rt1).await.body["refresh_token"].as_str().unwrap().to_string();

    // A retry of rt1 (a lost response) within the window succeeds once, rotating rt2.
    let retry = refresh(&h, &rt1).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text);
    let rt3 = retry.body["refresh_token"].as_str().unwrap().to_string();

    // rt1 is no longer the immediately preceding token, so a second retry is reuse.
    let again = refresh(&h, &rt1).await;
    assert_eq!(again.body["error"]["code"], "REFRESH_TOKEN_REUSED");
    assert_eq!(refresh(&h, &rt3).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refresh(&h, &rt2).await.status, StatusCode::UNAUTHORIZED);
}

async fn revoke_access_token_reaches_snapshot(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("gus", "user", &[]).await;
    let victim = h.login("gus").await["access_token"].as_str().unwrap().to_string();
    let probe = h.login("gus").await["access_token"].as_str().unwrap().to_string();
    let (_, claims) = jws_parts(&victim);

    let form = axum::http::Request::post("/v1/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("token={victim}&token_type_hint=access_token")))
        .unwrap();
    let reply = h.send(form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(h.introspect(&probe, &victim).await, json!({ "active": false }));
    assert_eq!(h.introspect(&probe, &probe).await["active"], true);

    let garbage = h.post_json("/v1/revoke", None, json!({ "token": "not a token" })).await;
    assert_eq!(garbage.status, StatusCode::OK, "RFC 7009 answers 200 for an unknown token");

    let snapshot = h.get("/v1/revocations").await;
    assert_eq!(snapshot.headers["content-type"], "application/jwt");
    let (header, payload) = jws_parts(&snapshot.text);
    assert_eq!(header["typ"], "revocation+jwt");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(payload["iss"], "techdeck-keyserver");
    assert_eq!(payload["exp"].as_u64().unwrap() - payload["iat"].as_u64().unwrap(), 60);
    assert!(payload["seq"].as_u64().unwrap() >= 1);
    assert_eq!(payload["revoked"], json!([{ "jti": claims["jti"], "exp": claims["exp"] }]));
    let jwks = h.get("/.well-known/jwks.json").await.body;
    let key = ed25519_key(&jwks, header["kid"].as_str().unwrap());
    let options =
        VerificationOptions { required_signature_type: Some("revocation+jwt".into()), ..Default::default() };
    key.verify_token::<Value>(&snapshot.text, Some(options)).expect("snapshot signature verifies");
}

async fn log_out_everywhere_sets_not_before(db: Db) {
    let h = location(db).await.start().await;
    let user_id = h.add_user("hal", "user", &[]).await;
    let old = h.login("hal").await;
    let old_access = old["access_token"].as_str().unwrap();
    let reply = h.post_json("/v1/logout-all", Some(old_access), json!({})).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);

    let fresh = h.login("hal").await;
    let fresh_access = fresh["access_token"].as_str().unwrap();
    assert_eq!(h.introspect(fresh_access, old_access).await["active"], false);
    assert_eq!(h.introspect(fresh_access, fresh_access).await["active"], true);
    let refreshed = refresh(&h, old["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);

    let (_, snapshot) = jws_parts(&h.get("/v1/revocations").await.text);
    let not_before = snapshot["not_before"][&user_id].as_u64().expect("not_before for the user");
    let (_, old_claims) = jws_parts(old_access);
    let (_, fresh_claims) = jws_parts(fresh_access);
    assert!(old_claims["iat"].as_u64().unwrap() < not_before);
    assert!(fresh_claims["iat"].as_u64().unwrap() >= not_before);
}

async fn signing_key_rotation_keeps_old_tokens_valid(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("ida", "admin", &[]).await;
    let old = h.login("ida").await["access_token"].as_str().unwrap().to_string();
    let (old_header, _) = jws_parts(&old);

    let reply = h.post_json("/v1/admin/signing-keys/rotate", Some(&old), json!({})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let new_kid = reply.body["kid"].as_str().unwrap();
    assert_ne!(new_kid, old_header["kid"]);

    let new = h.login("ida").await["access_token"].as_str().unwrap().to_string();
    assert_eq!(jws_parts(&new).0["kid"], new_kid);
    assert_eq!(h.introspect(&new, &old).await["active"], true, "old key still verifies");
    let kids: Vec<Value> = h.get("/.well-known/jwks.json").await.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].clone())
        .collect();
    assert_eq!(kids.len(), 2);
    assert!(kids.contains(&old_header["kid"]));
    assert!(kids.contains(&json!(new_kid)));

    h.add_user("jon", "user", &[]).await;
    let user_token = h.login("jon").await["access_token"].as_str().unwrap().to_string();
    let denied = h.post_json("/v1/admin/signing-keys/rotate", Some(&user_token), json!({})).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(denied.body["error"]["code"], "FORBIDDEN");
}

async fn revoke_by_jti_needs_admin(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("kim", "admin", &[]).await;
    h.add_user("lou", "user", &[]).await;
    let admin = h.login("kim").await["access_token"].as_str().unwrap().to_string();
    let user = h.login("lou").await["access_token"].as_str().unwrap().to_string();
    let jti = jws_parts(&user).1["jti"].as_str().unwrap().to_string();

    let denied = h.post_json("/v1/revoke", Some(&user), json!({ "jti": jti })).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let anonymous = h.post_json("/v1/revoke", None, json!({ "jti": jti })).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let done = h.post_json("/v1/revoke", Some(&admin), json!({ "jti": jti })).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(h.introspect(&admin, &user).await["active"], false);
}

#[tokio::test]
async fn es256_tokens_verify_with_published_key() {
    let h = location(Db::Sqlite).await.with("JWT_ALGORITHM", "ES256").start().await;
    h.add_user("pia", "researcher", &[]).await;
    let access = h.login("pia").await["access_token"].as_str().unwrap().to_string();
    let (header, _) = jws_parts(&access);
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "at+jwt");

    let jwks = h.get("/.well-known/jwks.json").await.body;
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["kty"], "EC");
    assert_eq!(jwk["crv"], "P-256");
    assert_eq!(jwk["alg"], "ES256");
    assert_eq!(jwk["kid"], header["kid"]);
    use base64::Engine;
    let coordinate = |name: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap()
    };
    let point = [vec![4u8], coordinate("x"), coordinate("y")].concat();
    let key = ES256PublicKey::from_bytes(&point).unwrap();
    key.verify_token::<Value>(&access, None).expect("ES256 token verifies");
    assert_eq!(h.introspect(&access, &access).await["active"], true);
}

#[tokio::test]
async fn session_binding_hashes_ip_and_user_agent() {
    let h = location(Db::Sqlite).await.with("SESSION_BINDING", "true").start().await;
    h.add_user("quin", "user", &[]).await;
    let request = |path: &str, body: Value, agent: &str, bearer: Option<&str>| {
        let mut builder = axum::http::Request::post(path)
            .header("content-type", "application/json")
            .header("user-agent", agent);
        if let Some(token) = bearer {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        builder.body(axum::body::Body::from(body.to_string())).unwrap()
    };
    let login = h
        .send(request("/v1/login", json!({ "username": "quin", "password": PASSWORD }), "Browser/1", None))
        .await;
    let access = login.body["access_token"].as_str().unwrap().to_string();
    let (_, claims) = jws_parts(&access);
    use base64::Engine;
    let salt = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims["bind_salt"].as_str().unwrap())
        .unwrap();
    assert_eq!(salt.len(), 16);
    assert_eq!(claims["ip_hash"], techdeck_keyserver::tokens::binding_hash(&salt, "ip:", "127.0.0.1"));
    assert_eq!(
        claims["user_agent_hash"],
        techdeck_keyserver::tokens::binding_hash(&salt, "ua:", "Browser/1")
    );

    let same = h.send(request("/v1/logout-all", json!({}), "Browser/1", Some(&access))).await;
    assert_eq!(same.status, StatusCode::NO_CONTENT);
    let login = h
        .send(request("/v1/login", json!({ "username": "quin", "password": PASSWORD }), "Browser/1", None))
        .await;
    let access = login.body["access_token"].as_str().unwrap().to_string();
    let other = h.send(request("/v1/logout-all", json!({}), "Other/2", Some(&access))).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED, "a token used from another User-Agent is rejected");
}

#[test]
fn canonical_ip_writes_mapped_ipv6_as_ipv4() {
    use techdeck_keyserver::tokens::canonical_ip;
    assert_eq!(canonical_ip("::ffff:10.0.0.1".parse().unwrap()), "10.0.0.1");
    assert_eq!(canonical_ip("2001:DB8::1".parse().unwrap()), "2001:db8::1");
    assert_eq!(canonical_ip("127.0.0.1".parse().unwrap()), "127.0.0.1");
}

async fn admin_ends_another_users_sessions(db: Db) {
    let h = location(db).await.start().await;
    h.add_user("root", "admin", &[]).await;
    let target_id = h.add_user("tina", "therapist", &["p1"]).await;
    let admin = h.login("root").await["access_token"].as_str().unwrap().to_string();
    let session = h.login("tina").await;
    let target = session["access_token"].as_str().unwrap().to_string();

    let path = format!("/v1/admin/users/{target_id}/revoke-sessions");
    let denied = h.post_json(&path, Some(&target), json!({})).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "a therapist cannot use the admin endpoint");

    let done = h.post_json(&path, Some(&admin), json!({})).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.text);
    assert_eq!(h.introspect(&admin, &target).await["active"], false);
    let refreshed = refresh(&h, session["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);

    let unknown = h.post_json("/v1/admin/users/no-such-user/revoke-sessions", Some(&admin), json!({})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(h.introspect(&admin, &admin).await["active"], true, "the admin's own session is untouched");
}
