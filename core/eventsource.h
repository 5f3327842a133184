#pragma once

#include "core/event.h"

#include <QList>
#include <QObject>
#include <QString>

namespace ed {

/// What every source of events (REST polling, websocket, demo, file) reports, so the UI and
/// the CLI treat them alike. All work is asynchronous: a source never blocks its thread.
class EventSource : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle,       ///< not started, stopped, or a single pass finished
        Connecting, ///< opening a connection or authenticating
        Fetching,   ///< reading history (REST pages, a gap fill)
        Live,       ///< connected and receiving new events as they happen
        BackingOff, ///< waiting before a retry; the detail says why
        Error,      ///< stopped for good; the detail says why
    };
    Q_ENUM(State)

    using QObject::QObject;

    virtual void start() = 0;
    virtual void stop() = 0;

    State state() const { return m_state; }
    QString stateDetail() const { return m_detail; }
    /// "live", "backing off: server error (HTTP 500)", … for status bars and logs.
    static QString describe(State state, const QString &detail = {});

signals:
    /// New events, already deduplicated and matched against the whole filter locally.
    void eventsReceived(const QList<ed::Event> &events);
    /// An event the source could not accept (malformed or invalid); it was skipped.
    void eventRejected(const QString &reason);
    void stateChanged(ed::EventSource::State state, const QString &detail);
    /// An error that retrying will not fix (authentication, a filter the server refuses).
    void failed(const QString &error);

protected:
    void setState(State state, const QString &detail = {});

private:
    State m_state = State::Idle;
    QString m_detail;
};

} // namespace ed
