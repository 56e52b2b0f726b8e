//! Tests of the family against a realm: producers and pulls, and chains as deep as a
//! hostile guest makes them (followed signals, branches of branches) handled without
//! recursion.

use std::cell::Cell;
use std::rc::Rc;

use super::abort::{abort, follow, new_signal, reason_if_aborted};
use super::stream::{new_stream, tee, Source};
use crate::js::ops::{self, type_error};
use crate::js::realm::{run_microtasks, Realm};
use crate::js::value::{Agent, JsResult, Obj, Value};

struct TestAgent(Realm);

impl Agent for TestAgent {
    fn realm_any(&mut self) -> &mut dyn std::any::Any {
        &mut self.0
    }
    fn call_foreign(&mut self, _: u32, _: &Value, _: &[Value]) -> JsResult {
        type_error("no foreign functions here")
    }
}

/// Counts what the consumer asks of it.
struct Counting {
    pulls: Rc<Cell<u32>>,
    cancels: Rc<Cell<u32>>,
}

impl Source for Counting {
    fn pull(&mut self) {
        self.pulls.set(self.pulls.get() + 1);
    }
    fn cancel(&mut self) {
        self.cancels.set(self.cancels.get() + 1);
    }
}

fn call(a: &mut dyn Agent, target: &Value, method: &str, args: &[Value]) -> Value {
    let f = ops::get_str(a, target, method).unwrap_or_default();
    ops::call(a, &f, target, args).unwrap_or_default()
}

/// Runs `f` on a thread whose stack holds no deep recursion.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(f)
        .expect("a thread")
        .join()
        .expect("no overflow");
}

#[test]
fn reads_pull_once_each_and_cancel_reaches_the_producer() {
    let mut a = TestAgent(crate::js::new_realm());
    let (pulls, cancels) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let source = Counting {
        pulls: pulls.clone(),
        cancels: cancels.clone(),
    };
    let (stream, handle) = new_stream(&mut a, Box::new(source));
    assert_eq!(pulls.get(), 0, "nobody reads yet");
    let reader = call(&mut a, &Value::Object(stream), "getReader", &[]);
    call(&mut a, &reader, "read", &[]);
    call(&mut a, &reader, "read", &[]);
    assert_eq!(pulls.get(), 1, "one chunk owed at a time");
    handle
        .enqueue(&mut a, b"ab".to_vec())
        .ok()
        .expect("enqueue");
    assert_eq!(pulls.get(), 2, "the second read still waits");
    call(&mut a, &reader, "cancel", &[]);
    assert_eq!(cancels.get(), 1);
    run_microtasks(&mut a).ok().expect("microtasks");
}

#[test]
fn a_long_chain_of_following_signals_aborts_without_recursion() {
    on_small_stack(|| {
        let mut a = TestAgent(crate::js::new_realm());
        let root = new_signal();
        let mut last = root.clone();
        let mut chain: Vec<Obj> = Vec::new();
        for _ in 0..200_000 {
            last = follow(&[last]);
            chain.push(last.clone());
        }
        abort(&mut a, &root, Value::from("stop"))
            .ok()
            .expect("abort");
        let reason = reason_if_aborted(&Value::Object(last));
        assert!(matches!(reason, Some(Value::String(s)) if s.as_str() == Some("stop")));
    });
}

#[test]
fn branches_of_branches_get_every_chunk_without_recursion() {
    on_small_stack(|| {
        let mut a = TestAgent(crate::js::new_realm());
        let pulls = Rc::new(Cell::new(0));
        let source = Counting {
            pulls: pulls.clone(),
            cancels: Rc::new(Cell::new(0)),
        };
        let (stream, handle) = new_stream(&mut a, Box::new(source));
        let mut branches = vec![stream];
        for _ in 0..100_000 {
            let next = tee(&mut a, branches.last().expect("a stream"))
                .ok()
                .expect("tee");
            branches.push(next);
        }
        let deepest = Value::Object(branches.last().expect("a branch").clone());
        let reader = call(&mut a, &deepest, "getReader", &[]);
        let read = call(&mut a, &reader, "read", &[]);
        assert_eq!(
            pulls.get(),
            1,
            "the deepest branch's pull reaches the producer"
        );
        handle.enqueue(&mut a, b"x".to_vec()).ok().expect("enqueue");
        handle.close(&mut a).ok().expect("close");
        run_microtasks(&mut a).ok().expect("microtasks");
        let state = crate::js::builtins::promise::state_of(&read);
        assert!(matches!(
            state,
            Some(crate::js::builtins::promise::State::Fulfilled(_))
        ));
    });
}

#[test]
fn what_bodies_and_headers_keep_counts_against_the_js_heap() {
    let heap = crate::js::heap::Heap::new(1 << 30);
    let _scope = heap.enter();
    let mut a = TestAgent(crate::js::new_realm());
    let big = Value::from("x".repeat(1 << 20));
    let global = Value::Object(a.0.global.clone());
    let headers_ctor = ops::get_str(&mut a, &global, "Headers").unwrap_or_default();
    let response_ctor = ops::get_str(&mut a, &global, "Response").unwrap_or_default();
    let mut kept = Vec::new();
    for _ in 0..8 {
        let h = ops::construct(&mut a, &headers_ctor, &[]).unwrap_or_default();
        call(&mut a, &h, "append", &[Value::from("a"), big.clone()]);
        kept.push(h);
        let r = ops::construct(&mut a, &response_ctor, std::slice::from_ref(&big));
        let r = r.unwrap_or_default();
        kept.push(r);
    }
    drop(big);
    // Each header value and each body (its bytes and its queued chunk) is a megabyte.
    let measured = heap.measure(0);
    assert!(measured > 20 << 20, "measured {measured}");
    drop(kept);
}
