// Package testkit lets the portal team, DSMF's back-office developers and
// this adapter's own tests drive the adapter the way they will in
// production: over Kafka, with the contract's messages, and nothing of the
// adapter's insides.
//
//   - Start runs a Harness: an in-process Kafka-protocol cluster (kfake) and
//     the adapter on it by default, or a connection to a deployment given by
//     its brokers. Fixtures (insurers, employees with identity documents, a
//     director with stamp authority and a deputy) are published through the
//     real reference topics. Everything is torn down with t.Cleanup.
//   - Builders (DirectorLogin, GrantToDeputy, PersonLookup, DraftSave,
//     SubmitDraft, Decision, ...) make every command of the contract with
//     valid defaults; options change one field.
//   - Request sends a command and waits for its reply; WaitEvent and
//     WaitNotice wait for what the adapter publishes, with clear failures.
//   - RunConformance drives every scenario of the manual and every
//     documented refusal against any deployment and reports, one subtest per
//     behaviour, which conform.
//
// Outside a test, NewStandalone gives the TB a Harness needs.
package testkit
