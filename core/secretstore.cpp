#include "core/secretstore.h"

#include <qt6keychain/keychain.h>

namespace ed {

namespace {
// Without a session bus QtKeychain fails within milliseconds, but a bus that accepts the
// connection and never answers leaves its job pending for good; so does a keyring whose unlock
// prompt nobody answers. 30 s is more than a D-Bus call's own 25 s timeout.
constexpr std::chrono::milliseconds kDefaultTimeout{30000};

QString sessionOnly(const QString &what)
{
    return what + QStringLiteral("; the secret is kept for this session only.");
}

// QtKeychain runs one job at a time for the whole process: while a job that timed out is still
// pending, every later one waits behind it, so other stores had better not wait too.
QPointer<QKeychain::Job> &stuckJob()
{
    static QPointer<QKeychain::Job> job;
    return job;
}
} // namespace

SecretStore::SecretStore(QObject *parent)
    : SecretStore(Backend::SystemKeychain, parent)
{ }

SecretStore::SecretStore(Backend backend, QObject *parent)
    : QObject(parent)
    , m_backend(backend)
{
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(kDefaultTimeout);
    connect(&m_watchdog, &QTimer::timeout, this, &SecretStore::onTimeout);
}

// A job still in flight stays alive: libsecret calls back into it when the keychain answers,
// and QtKeychain deletes it then. Our connection to it dies with us.
SecretStore::~SecretStore() = default;

QString SecretStore::serviceName()
{
    return QStringLiteral("dev.eventdeck.Eventdeck");
}

void SecretStore::setTimeout(std::chrono::milliseconds timeout)
{
    m_watchdog.setInterval(timeout);
}

std::chrono::milliseconds SecretStore::timeout() const
{
    return m_watchdog.intervalAsDuration();
}

void SecretStore::save(const QString &account, const QString &secret)
{
    enqueue({Kind::Save, account, secret});
}

void SecretStore::load(const QString &account)
{
    enqueue({Kind::Load, account, {}});
}

void SecretStore::remove(const QString &account)
{
    enqueue({Kind::Remove, account, {}});
}

// Requests go to the keychain one at a time, so that once it fails nothing queued behind the
// failure still reaches it, and every answer comes from the event loop, never from the call.
void SecretStore::enqueue(Request request)
{
    m_requests.append(std::move(request));
    if (m_job || m_pumpQueued)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(this, &SecretStore::pump, Qt::QueuedConnection);
}

void SecretStore::pump()
{
    m_pumpQueued = false;
    if (m_job || m_requests.isEmpty())
        return;
    if (m_backend == Backend::SessionOnly)
        giveUp(sessionOnly(QStringLiteral("The system keychain is turned off")));
    else if (stuckJob())
        giveUp(sessionOnly(QStringLiteral("No system keychain is available (an earlier request "
                                          "to it is still unanswered)")));
    if (!m_unavailable) {
        startJob(m_requests.constFirst());
        return;
    }
    while (!m_requests.isEmpty())
        answerFromMemory(m_requests.takeFirst());
}

void SecretStore::startJob(const Request &request)
{
    QKeychain::Job *job = nullptr;
    switch (request.kind) {
    case Kind::Save: {
        auto *write = new QKeychain::WritePasswordJob(serviceName());
        write->setTextData(request.secret);
        job = write;
        break;
    }
    case Kind::Load: job = new QKeychain::ReadPasswordJob(serviceName()); break;
    case Kind::Remove: job = new QKeychain::DeletePasswordJob(serviceName()); break;
    }
    job->setKey(request.account);
    job->setInsecureFallback(false); // never the plaintext QSettings copy
    job->setAutoDelete(true);
    connect(job, &QKeychain::Job::finished, this, &SecretStore::onJobFinished);
    m_job = job;
    m_watchdog.start();
    job->start();
}

void SecretStore::onJobFinished(QKeychain::Job *job)
{
    if (job != m_job)
        return;
    m_job = nullptr;
    m_watchdog.stop();
    const QKeychain::Error error = job->error();
    const bool absent =
        error == QKeychain::EntryNotFound && m_requests.constFirst().kind != Kind::Save;
    if (error != QKeychain::NoError && !absent) {
        const QString detail = scrub(job->errorString()); // while the request's secret is queued
        QString reason = error == QKeychain::AccessDenied || error == QKeychain::AccessDeniedByUser
                             ? QStringLiteral("The system keychain refused access")
                             : QStringLiteral("No system keychain is available");
        if (!detail.isEmpty())
            reason += QStringLiteral(" (") + detail + u')';
        giveUp(sessionOnly(reason));
        answerFromMemory(m_requests.takeFirst());
        pump();
        return;
    }
    const Request request = m_requests.takeFirst();
    switch (request.kind) {
    case Kind::Save: emit saved(request.account, true); break;
    case Kind::Load: {
        const auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(job);
        emit loaded(request.account, absent || !read ? QString() : read->textData());
        break;
    }
    case Kind::Remove: emit removed(request.account); break;
    }
    pump();
}

void SecretStore::onTimeout()
{
    if (!m_job)
        return;
    disconnect(m_job, nullptr, this, nullptr); // should it ever answer, the answer is dropped
    stuckJob() = m_job; // QtKeychain deletes it if it finishes, and that clears this
    m_job = nullptr;
    const Request request = m_requests.takeFirst();
    const qint64 seconds = (m_watchdog.intervalAsDuration().count() + 999) / 1000;
    giveUp(sessionOnly(QStringLiteral("No system keychain is available (it did not answer within "
                                      "%1 s)")
                           .arg(seconds)));
    answerFromMemory(request);
    pump();
}

void SecretStore::giveUp(const QString &reason)
{
    if (m_unavailable)
        return;
    m_unavailable = true;
    emit keychainUnavailable(reason);
}

void SecretStore::answerFromMemory(const Request &request)
{
    switch (request.kind) {
    case Kind::Save:
        m_session.insert(request.account, request.secret);
        emit saved(request.account, false);
        break;
    case Kind::Load: emit loaded(request.account, m_session.value(request.account)); break;
    case Kind::Remove:
        m_session.remove(request.account);
        emit removed(request.account);
        break;
    }
}

// Keychain messages do not quote secrets, but the reason goes to the user and maybe a log:
// make sure of it.
QString SecretStore::scrub(QString text) const
{
    auto hide = [&text](const QString &secret) {
        if (!secret.isEmpty())
            text.replace(secret, QStringLiteral("…"));
    };
    for (const QString &secret : m_session)
        hide(secret);
    for (const Request &request : m_requests)
        hide(request.secret);
    return text;
}

} // namespace ed
