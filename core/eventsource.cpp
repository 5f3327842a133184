#include "core/eventsource.h"

namespace ed {

QString EventSource::describe(State state, const QString &detail)
{
    QString text;
    switch (state) {
    case State::Idle: text = QStringLiteral("idle"); break;
    case State::Connecting: text = QStringLiteral("connecting"); break;
    case State::Fetching: text = QStringLiteral("fetching history"); break;
    case State::Live: text = QStringLiteral("live"); break;
    case State::BackingOff: text = QStringLiteral("backing off"); break;
    case State::Error: text = QStringLiteral("error"); break;
    }
    return detail.isEmpty() ? text : text + QStringLiteral(": ") + detail;
}

void EventSource::setState(State state, const QString &detail)
{
    if (state == m_state && detail == m_detail)
        return;
    m_state = state;
    m_detail = detail;
    emit stateChanged(state, detail);
}

} // namespace ed
