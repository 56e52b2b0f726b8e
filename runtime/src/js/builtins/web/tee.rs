//! Branches of a stream (`tee()`, and `clone()` of requests and responses): each gets a
//! copy of what the stream has queued and of every chunk its producer gives later; their
//! pulls go to that producer.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::stream_state::{
    contents, empty, invalid_state, shared_of, stream_object, Inner, Source, State,
};
use crate::js::value::{Agent, JsResult, Obj, Throw, Value};

/// A branch of `stream`: a stream that gets copies of what `stream` gets from now on,
/// starting with what it has queued.
pub fn tee(agent: &mut dyn Agent, stream: &Obj) -> JsResult<Obj> {
    let s = shared_of(&Value::Object(stream.clone()))?;
    let branch = {
        let inner = s.borrow();
        let root = inner.root.clone().unwrap_or_else(|| Rc::downgrade(&s));
        let mut b = empty(Some(Box::new(Upstream(root.clone()))));
        b.queue = inner
            .queue
            .iter()
            .map(|c| Obj::bytes(contents(c)))
            .collect();
        b.state = inner.state.clone();
        b.root = Some(root);
        b
    };
    let branch = Rc::new(RefCell::new(branch));
    s.borrow_mut().branches.push(Rc::downgrade(&branch));
    Ok(stream_object(agent, branch))
}

/// `stream.tee()`: two branches; the stream itself only feeds them from then on.
pub(super) fn tee_method(agent: &mut dyn Agent, this: &Value, _: &[Value]) -> JsResult {
    let s = shared_of(this)?;
    if s.borrow().locked {
        return Err(Throw::Value(invalid_state("ReadableStream is locked")));
    }
    let Some(stream) = this.as_object() else {
        return Ok(Value::Undefined);
    };
    let a = tee(agent, stream)?;
    let b = tee(agent, stream)?;
    {
        let mut inner = s.borrow_mut();
        inner.locked = true;
        inner.forward_only = true;
        inner.queue.clear();
    }
    Ok(Value::Object(Obj::array(vec![
        Value::Object(a),
        Value::Object(b),
    ])))
}

/// A branch's source: pulls go to the producer of the stream it branched from.
struct Upstream(Weak<RefCell<Inner>>);

impl Source for Upstream {
    fn pull(&mut self) {
        let Some(s) = self.0.upgrade() else { return };
        let source = {
            let mut inner = s.borrow_mut();
            if inner.pulling || !matches!(inner.state, State::Readable) {
                None
            } else {
                inner.pulling = true;
                inner.source.take()
            }
        };
        if let Some(mut source) = source {
            source.pull();
            let mut inner = s.borrow_mut();
            if inner.source.is_none() {
                inner.source = Some(source);
            }
        }
    }

    fn cancel(&mut self) {}
}
