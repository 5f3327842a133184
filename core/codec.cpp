#include "core/codec.h"

#include <zstd.h>

#include <memory>

namespace ed::codec {

namespace {

enum : char { Raw = 0, ZstdDict1 = 1 };

// Raw-content dictionary: the recurring text of Prefect events (keys, label names, event
// names, payload shapes). zstd finds matches in it, so a 1 KB event compresses like a large
// file. Never change this text: stored blobs tagged ZstdDict1 depend on it byte for byte.
constexpr char kDictionary1[] =
    R"({"occurred":"2026-01-01T00:00:00.000000Z","event":"prefect.flow-run.Completed","resource":{"prefect.resource.id":"prefect.flow-run.","prefect.resource.name":"","prefect.run-count":"1","prefect.state-message":"","prefect.state-name":"Completed","prefect.state-timestamp":"2026-01-01T00:00:00.000000+00:00","prefect.state-type":"COMPLETED"},"related":[{"prefect.resource.id":"prefect.flow.","prefect.resource.role":"flow","prefect.resource.name":""},{"prefect.resource.id":"prefect.deployment.","prefect.resource.role":"deployment","prefect.resource.name":""},{"prefect.resource.id":"prefect.work-queue.","prefect.resource.role":"work-queue","prefect.resource.name":"default"},{"prefect.resource.id":"prefect.work-pool.","prefect.resource.role":"work-pool","prefect.resource.name":"","prefect.work-pool.type":"kubernetes"},{"prefect.resource.id":"prefect.tag.","prefect.resource.role":"tag"},{"prefect.resource.id":"prefect.task-run.","prefect.resource.role":"task-run"},{"prefect.resource.id":"prefect.deployment.","prefect.resource.role":"creator","prefect.resource.name":""}],"payload":{"intended":{"from":"PENDING","to":"RUNNING"},"initial_state":{"type":"PENDING","name":"Pending"},"validated_state":{"type":"RUNNING","name":"Running"}},"id":"","follows":null,"received":"2026-01-01T00:00:00.000000Z"})"
    R"({"occurred":"","event":"prefect.task-run.Running","resource":{"prefect.resource.id":"prefect.task-run.","prefect.resource.name":"","prefect.state-message":"","prefect.state-type":"RUNNING","prefect.state-name":"Running","prefect.orchestration":"client"},"related":[{"prefect.resource.id":"prefect.flow-run.","prefect.resource.role":"flow-run"}],"payload":{"intended":{"from":"RUNNING","to":"COMPLETED"},"initial_state":{"type":"RUNNING","name":"Running","message":""},"validated_state":{"type":"COMPLETED","name":"Completed","message":""},"task_run":{"name":"","task_key":"","dynamic_key":"0","flow_run_id":"","tags":[]}},"id":"","follows":"","received":""})"
    R"(prefect.flow-run.Scheduled prefect.flow-run.Pending prefect.flow-run.Running prefect.flow-run.Failed prefect.flow-run.Crashed prefect.flow-run.Cancelled prefect.flow-run.Cancelling prefect.flow-run.Late prefect.flow-run.heartbeat SCHEDULED PENDING FAILED CRASHED CANCELLED prefect.task-run.Completed prefect.task-run.Pending prefect.task-run.Failed prefect.deployment.ready prefect.deployment.not-ready prefect.deployment.updated prefect.work-pool.ready prefect.work-pool.not-ready prefect.work-queue.ready prefect.work-queue.not-ready prefect.worker.started prefect.worker.stopped prefect.worker.submitted-flow-run prefect.worker.executed-flow-run prefect.worker.process. prefect.worker.kubernetes. prefect.automation.triggered prefect.automation.action.triggered prefect.automation.action.executed prefect.automation.action.failed prefect.automation. prefect.event. triggering-event automation-triggered-event "triggering_labels":{},"triggering_event":{ "action_index":0,"action_type":"run-deployment","invocation":"" prefect.artifact.created prefect.artifact. prefect.asset.materialization.succeeded prefect.asset.referenced prefect.concurrency-limit.acquired prefect.concurrency-limit. prefect.block-document. prefect.log.write "prefect.posture":"Reactive","prefect.trigger-type":"event" "prefect.infrastructure.identifier":"","prefect.infrastructure.status-code":"0" "prefect.version":"3.8.3","prefect.worker-type":"kubernetes" "message":"Flow run encountered an exception: ","pause_reschedule":false,"prefect.resource.role":"work-pool" 0123456789abcdef-)";

struct Contexts
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_CDict *cdict = ZSTD_createCDict(kDictionary1, sizeof kDictionary1 - 1, 1);
    ZSTD_DDict *ddict = ZSTD_createDDict(kDictionary1, sizeof kDictionary1 - 1);
    ~Contexts()
    {
        ZSTD_freeCCtx(cctx);
        ZSTD_freeDCtx(dctx);
        ZSTD_freeCDict(cdict);
        ZSTD_freeDDict(ddict);
    }
};

Contexts &contexts()
{
    // zstd contexts are not thread-safe; one set per thread.
    thread_local Contexts c;
    return c;
}

} // namespace

QByteArray compress(QByteArrayView json)
{
    Contexts &c = contexts();
    const size_t bound = ZSTD_compressBound(size_t(json.size()));
    QByteArray out(qsizetype(bound) + 1, Qt::Uninitialized);
    out[0] = ZstdDict1;
    const size_t n = ZSTD_compress_usingCDict(c.cctx, out.data() + 1, bound, json.data(),
                                              size_t(json.size()), c.cdict);
    if (ZSTD_isError(n) || n >= size_t(json.size())) {
        QByteArray raw;
        raw.reserve(json.size() + 1);
        raw.append(char(Raw));
        raw.append(json.data(), json.size());
        return raw;
    }
    out.resize(qsizetype(n) + 1);
    return out;
}

bool decompress(QByteArrayView blob, QByteArray &out)
{
    if (blob.isEmpty())
        return false;
    const QByteArrayView body = blob.sliced(1);
    if (blob[0] == Raw) {
        out.append(body.data(), body.size());
        return true;
    }
    if (blob[0] != ZstdDict1)
        return false;
    const unsigned long long size = ZSTD_getFrameContentSize(body.data(), size_t(body.size()));
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1u << 30))
        return false;
    const qsizetype start = out.size();
    out.resize(start + qsizetype(size));
    Contexts &c = contexts();
    const size_t n = ZSTD_decompress_usingDDict(c.dctx, out.data() + start, size_t(size),
                                                body.data(), size_t(body.size()), c.ddict);
    if (ZSTD_isError(n) || n != size) {
        out.resize(start);
        return false;
    }
    return true;
}

} // namespace ed::codec
