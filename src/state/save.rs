//! Driving a reviewed save: the core's [`SaveRun`] names each request, this loop sends it and
//! hands the answer back, until the run says how the save ended.

use super::session::Session;
use crate::browser::http::ScimClient;
use crate::core::save::{rename, Reply, SaveOutcome, SavePlan, SaveRun, Step};

/// Carries out `plan`: for a rename first the look for another group with the new name (nothing
/// is written when one has it), then the read before the write when the plan says so, the
/// write once, and after a 412 the read that shows what changed. Every answer passes the
/// session, so a refused key disconnects. The plan comes back with the outcome, for what
/// follows it.
pub async fn save(
    session: Session,
    client: &ScimClient,
    plan: SavePlan,
) -> (SaveOutcome, SavePlan) {
    if let Some(name) = rename::name_to_check(&plan) {
        let found = client
            .group_rows(1, rename::CHECK_COUNT, false, Some(name))
            .await
            .map(|page| page.items);
        if let Err(error) = rename::judge(&plan, found.map_err(|e| session.heard(e))) {
            return (SaveOutcome::Failed { error }, plan);
        }
    }
    let (mut run, mut step) = SaveRun::start(plan);
    loop {
        step = match step {
            Step::Read { group_id } => {
                let read = client.check_group(&group_id).await;
                run.on_reply(Reply::Read(read.map_err(|e| session.heard(e))))
            }
            Step::Write { group_id, request } => {
                let written = client.save(&request, &group_id).await;
                run.on_reply(Reply::Write(written.map_err(|e| session.heard(e))))
            }
            Step::Done(outcome) => return (outcome, run.into_plan()),
        };
    }
}
