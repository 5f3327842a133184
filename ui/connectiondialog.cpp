#include "ui/connectiondialog.h"

#include "core/secretstore.h"
#include "ui/healthcheck.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

QString kindTitle(ConnectionProfile::Kind kind)
{
    switch (kind) {
    case ConnectionProfile::Server: return ConnectionDialog::tr("Prefect server");
    case ConnectionProfile::Cloud: return ConnectionDialog::tr("Prefect Cloud");
    case ConnectionProfile::Demo: return ConnectionDialog::tr("Demo workspace");
    case ConnectionProfile::File: return ConnectionDialog::tr("Events file");
    }
    return {};
}

ConnectionProfile makeProfile(const QString &name, ConnectionProfile::Kind kind,
                              const QString &apiUrl = {})
{
    ConnectionProfile p;
    p.name = name;
    p.kind = kind;
    p.apiUrl = apiUrl;
    return p;
}

} // namespace

ConnectionDialog::ConnectionDialog(SecretStore *secrets, QWidget *parent)
    : QDialog(parent)
    , m_secrets(secrets)
    , m_health(new HealthCheck(this))
{
    setWindowTitle(tr("Connections"));
    buildUi();
    connect(m_secrets, &SecretStore::loaded, this, &ConnectionDialog::onSecretLoaded);
    connect(m_secrets, &SecretStore::keychainUnavailable, this,
            &ConnectionDialog::onKeychainUnavailable);
    if (!m_secrets->isPersistent())
        setKeychainUnavailable(tr("The system keychain is unavailable; secrets are kept for "
                                  "this session only."));

    QSettings settings;
    QString currentName;
    QList<ConnectionProfile> profiles = ConnectionProfile::loadProfiles(settings, &currentName);
    if (profiles.isEmpty()) {
        profiles = {makeProfile(tr("Demo"), ConnectionProfile::Demo),
                    makeProfile(tr("Local server"), ConnectionProfile::Server,
                                u"http://127.0.0.1:4200/api"_s)};
    }
    for (const ConnectionProfile &p : std::as_const(profiles)) {
        Entry e{p, p.isRemote() ? p.apiUrl : QString(), {}, SecretState::Unknown, false};
        loadSecret(e); // all at once: one keychain unlock, and moved URLs can carry their secret
        m_entries.append(e);
        m_list->addItem(p.name);
    }
    if (!selectProfile(currentName))
        m_list->setCurrentRow(0);
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::buildUi()
{
    m_list = new QListWidget(this);
    const int charWidth = fontMetrics().averageCharWidth();
    m_list->setMinimumWidth(charWidth * 18);
    m_list->setMaximumWidth(charWidth * 30);
    auto *add = new QPushButton(tr("Add"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(m_remove);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    m_name = new QLineEdit(this);
    m_kind = new QComboBox(this);
    for (const auto kind : {ConnectionProfile::Server, ConnectionProfile::Cloud,
                            ConnectionProfile::Demo, ConnectionProfile::File})
        m_kind->addItem(kindTitle(kind), int(kind));
    m_serverUrl = new QLineEdit(this);
    m_serverUrl->setMinimumWidth(charWidth * 46);
    m_serverUrl->setPlaceholderText(u"http://127.0.0.1:4200/api"_s);
    m_account = new QLineEdit(this);
    m_workspace = new QLineEdit(this);
    m_account->setPlaceholderText(tr("Account ID"));
    m_workspace->setPlaceholderText(tr("Workspace ID"));
    m_cloudBase = new QLineEdit(this);
    m_cloudBase->setPlaceholderText(ConnectionProfile::defaultCloudBase());
    m_cloudUrl = new QLineEdit(this); // read-only: built from the fields above, and copyable
    m_cloudUrl->setReadOnly(true);
    m_secret = new QLineEdit(this);
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setClearButtonEnabled(true);

    m_testRow = new QWidget(this);
    m_test = new QPushButton(tr("Test Connection"), m_testRow);
    auto *testLayout = new QHBoxLayout(m_testRow);
    testLayout->setContentsMargins(0, 0, 0, 0);
    testLayout->addWidget(m_test);
    testLayout->addStretch(1);
    m_testResult = new QLabel(this);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rate = new QDoubleSpinBox(this);
    m_rate->setRange(0.1, 10000);
    m_rate->setDecimals(1);
    m_rate->setSuffix(tr(" events/s"));
    m_seed = new QLineEdit(this);
    m_seed->setValidator(
        new QRegularExpressionValidator(QRegularExpression(u"[0-9]{1,19}"_s), m_seed));

    m_fileRow = new QWidget(this);
    m_file = new QLineEdit(m_fileRow);
    auto *browse = new QPushButton(tr("Browse…"), m_fileRow);
    auto *fileLayout = new QHBoxLayout(m_fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    fileLayout->addWidget(m_file, 1);
    fileLayout->addWidget(browse);

    // Names for tests and accessibility tools.
    m_list->setObjectName(u"profiles"_s);
    add->setObjectName(u"addProfile"_s);
    m_remove->setObjectName(u"removeProfile"_s);
    m_name->setObjectName(u"name"_s);
    m_kind->setObjectName(u"kind"_s);
    m_serverUrl->setObjectName(u"serverUrl"_s);
    m_account->setObjectName(u"accountId"_s);
    m_workspace->setObjectName(u"workspaceId"_s);
    m_cloudBase->setObjectName(u"cloudBase"_s);
    m_cloudUrl->setObjectName(u"cloudUrl"_s);
    m_secret->setObjectName(u"secret"_s);
    m_test->setObjectName(u"testConnection"_s);
    m_testResult->setObjectName(u"testResult"_s);
    m_rate->setObjectName(u"demoRate"_s);
    m_seed->setObjectName(u"seed"_s);
    m_file->setObjectName(u"file"_s);

    m_form = new QFormLayout;
    m_form->addRow(tr("Name:"), m_name);
    m_form->addRow(tr("Kind:"), m_kind);
    m_form->addRow(tr("API URL:"), m_serverUrl);
    m_form->addRow(tr("Account ID:"), m_account);
    m_form->addRow(tr("Workspace ID:"), m_workspace);
    m_form->addRow(tr("API base:"), m_cloudBase);
    m_form->addRow(tr("API URL:"), m_cloudUrl);
    m_form->addRow(tr("Auth string:"), m_secret);
    m_form->addRow(QString(), m_testRow);
    m_form->addRow(QString(), m_testResult);
    m_form->addRow(tr("Rate:"), m_rate);
    m_form->addRow(tr("Seed:"), m_seed);
    m_form->addRow(tr("File:"), m_fileRow);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left);
    columns->addLayout(m_form, 1);

    m_keychainRow = new QWidget(this);
    auto *icon = new QLabel(m_keychainRow);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this)
                        .pixmap(iconSize, iconSize));
    icon->setAlignment(Qt::AlignTop);
    m_keychainText = new QLabel(m_keychainRow);
    m_keychainText->setObjectName(u"keychainMessage"_s);
    m_keychainText->setWordWrap(true);
    auto *keychainLayout = new QHBoxLayout(m_keychainRow);
    keychainLayout->setContentsMargins(0, 0, 0, 0);
    keychainLayout->addWidget(icon);
    keychainLayout->addWidget(m_keychainText, 1);
    m_keychainRow->hide();

    m_error = new QLabel(this);
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_keychainRow);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, &ConnectionDialog::showEntry);
    connect(add, &QPushButton::clicked, this, [this] {
        addProfile(makeProfile(tr("New connection"), ConnectionProfile::Server,
                               u"http://127.0.0.1:4200/api"_s));
        m_name->setFocus();
        m_name->selectAll();
    });
    connect(m_remove, &QPushButton::clicked, this, &ConnectionDialog::removeCurrent);
    for (QLineEdit *edit : {m_name, m_serverUrl, m_account, m_workspace, m_cloudBase, m_seed, m_file})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionDialog::readForm);
    connect(m_rate, &QDoubleSpinBox::valueChanged, this, &ConnectionDialog::readForm);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        readForm();
        updateRows();
    });
    connect(m_secret, &QLineEdit::textEdited, this, &ConnectionDialog::setSecret);
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_health, &HealthCheck::finished, this, &ConnectionDialog::onTestFinished);
    connect(browse, &QPushButton::clicked, this, &ConnectionDialog::browseFile);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);
}

QList<ConnectionProfile> ConnectionDialog::profiles() const
{
    QList<ConnectionProfile> out;
    for (const Entry &e : m_entries)
        out.append(e.profile);
    return out;
}

ConnectionProfile ConnectionDialog::selectedProfile() const
{
    return m_row >= 0 && m_row < m_entries.size() ? m_entries.at(m_row).profile
                                                  : ConnectionProfile{};
}

ConnectionDialog::Entry *ConnectionDialog::current()
{
    return m_row >= 0 && m_row < m_entries.size() ? &m_entries[m_row] : nullptr;
}

bool ConnectionDialog::selectProfile(const QString &name)
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (!name.isEmpty() && m_entries.at(i).profile.name == name) {
            m_list->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

int ConnectionDialog::addProfile(const ConnectionProfile &profile)
{
    Entry e{profile, {}, {}, SecretState::Known, false}; // nothing stored for it yet
    e.profile.name = uniqueName(profile.name, -1);
    m_entries.append(e);
    m_list->addItem(e.profile.name);
    m_list->setCurrentRow(int(m_entries.size() - 1));
    return int(m_entries.size() - 1);
}

QString ConnectionDialog::uniqueName(const QString &wanted, int except) const
{
    const QString base = wanted.trimmed().isEmpty() ? tr("Connection") : wanted.trimmed();
    QString name = base;
    for (int n = 2;; ++n) {
        bool taken = false;
        for (int i = 0; i < m_entries.size() && !taken; ++i)
            taken = i != except && m_entries.at(i).profile.name == name;
        if (!taken)
            return name;
        name = base + u' ' + QString::number(n);
    }
}

void ConnectionDialog::showEntry(int row)
{
    m_row = row;
    m_testResult->clear();
    m_error->hide();
    const Entry *e = current();
    m_remove->setEnabled(e != nullptr);
    for (QWidget *w : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_kind)})
        w->setEnabled(e != nullptr);
    if (!e) {
        updateRows();
        return;
    }
    const ConnectionProfile &p = e->profile;
    m_filling = true;
    m_name->setText(p.name);
    m_kind->setCurrentIndex(m_kind->findData(int(p.kind)));
    m_serverUrl->setText(p.kind == ConnectionProfile::Server ? p.apiUrl : QString());
    m_account->setText(p.accountId);
    m_workspace->setText(p.workspaceId);
    const QString base = ConnectionProfile::cloudBaseOf(p);
    m_cloudBase->setText(base == ConnectionProfile::defaultCloudBase() ? QString() : base);
    m_cloudUrl->setText(p.kind == ConnectionProfile::Cloud ? p.apiUrl : QString());
    m_secret->setText(e->secret);
    m_rate->setValue(p.demoRate);
    m_seed->setText(QString::number(p.seed));
    m_file->setText(p.file);
    // Show the start of long values (ids, URLs, paths), not their end.
    for (QLineEdit *edit : {m_serverUrl, m_account, m_workspace, m_cloudBase, m_cloudUrl, m_file})
        edit->setCursorPosition(0);
    m_filling = false;
    updateRows();
}

void ConnectionDialog::updateRows()
{
    const Entry *e = current();
    const auto kind = ConnectionProfile::Kind(m_kind->currentData().toInt());
    const bool any = e != nullptr;
    const bool server = any && kind == ConnectionProfile::Server;
    const bool cloud = any && kind == ConnectionProfile::Cloud;
    m_form->setRowVisible(m_serverUrl, server);
    for (QWidget *w : {static_cast<QWidget *>(m_account), static_cast<QWidget *>(m_workspace),
                       static_cast<QWidget *>(m_cloudBase), static_cast<QWidget *>(m_cloudUrl)})
        m_form->setRowVisible(w, cloud);
    m_form->setRowVisible(m_secret, server || cloud);
    m_form->setRowVisible(m_testRow, server || cloud);
    m_form->setRowVisible(m_testResult, (server || cloud) && !m_testResult->text().isEmpty());
    m_form->setRowVisible(m_rate, any && kind == ConnectionProfile::Demo);
    m_form->setRowVisible(m_seed, any && kind == ConnectionProfile::Demo);
    m_form->setRowVisible(m_fileRow, any && kind == ConnectionProfile::File);
    if (auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_secret)))
        label->setText(cloud ? tr("API key:") : tr("Auth string:"));
    if (e && e->state == SecretState::Loading)
        m_secret->setPlaceholderText(tr("Reading the keychain…"));
    else
        m_secret->setPlaceholderText(cloud ? tr("Required") : tr("Optional, user:password"));
}

void ConnectionDialog::readForm()
{
    Entry *e = current();
    if (m_filling || !e)
        return;
    ConnectionProfile &p = e->profile;
    p.name = m_name->text().trimmed();
    p.kind = ConnectionProfile::Kind(m_kind->currentData().toInt());
    p.accountId = m_account->text().trimmed();
    p.workspaceId = m_workspace->text().trimmed();
    p.file = m_file->text().trimmed();
    p.demoRate = m_rate->value();
    p.seed = m_seed->text().toULongLong();
    if (p.kind == ConnectionProfile::Server) {
        p.apiUrl = m_serverUrl->text().trimmed();
    } else if (p.kind == ConnectionProfile::Cloud) {
        const QString base = m_cloudBase->text().trimmed();
        p.apiUrl = ConnectionProfile::cloudApiUrl(
            p.accountId, p.workspaceId, base.isEmpty() ? ConnectionProfile::defaultCloudBase() : base);
        m_cloudUrl->setText(p.apiUrl);
        m_cloudUrl->setCursorPosition(0);
    } else {
        p.apiUrl.clear();
    }
    if (QListWidgetItem *item = m_list->item(m_row)) {
        item->setText(p.name);
        item->setToolTip(kindTitle(p.kind) + (p.isRemote() ? u"\n"_s + p.apiUrl : QString()));
    }
}

void ConnectionDialog::setSecret(const QString &secret)
{
    Entry *e = current();
    if (!e)
        return;
    e->secret = secret;
    e->edited = true;
    e->state = SecretState::Known;
    if (m_secret->text() != secret) {
        m_filling = true;
        m_secret->setText(secret);
        m_filling = false;
    }
    updateRows();
}

void ConnectionDialog::loadSecret(Entry &entry)
{
    if (entry.storedUrl.isEmpty()) {
        entry.state = SecretState::Known;
        return;
    }
    entry.state = SecretState::Loading;
    // The store answers every caller, in call order, without saying whose call it was: another
    // caller's earlier load of the same account (from before a save, say) would look like ours.
    // A load of an account nobody uses right after ours marks where our answer is: just before.
    m_secrets->load(entry.storedUrl);
    static quint64 markers = 0; // process-wide: a later dialog may reuse this one's address
    const QString marker = u"eventdeck-connection-dialog-sync:"_s
                           + QString::number(QCoreApplication::applicationPid()) + u':'
                           + QString::number(++markers);
    m_markers.insert(marker, entry.storedUrl);
    m_secrets->load(marker);
}

void ConnectionDialog::onSecretLoaded(const QString &account, const QString &secret)
{
    const auto marker = m_markers.constFind(account);
    if (marker == m_markers.cend()) {
        m_lastAnswer = {account, secret};
        return;
    }
    const QString ours = marker.value();
    m_markers.erase(marker);
    if (m_lastAnswer.first == ours)
        applySecret(ours, m_lastAnswer.second);
}

void ConnectionDialog::applySecret(const QString &account, const QString &secret)
{
    for (int i = 0; i < m_entries.size(); ++i) {
        Entry &e = m_entries[i];
        if (e.storedUrl != account || e.edited || e.state == SecretState::Known)
            continue;
        e.secret = secret;
        e.state = SecretState::Known;
        if (i == m_row) {
            m_filling = true;
            m_secret->setText(secret);
            m_filling = false;
            updateRows();
        }
    }
    if (!m_awaitedAccount.isEmpty() && m_awaitedAccount == account) {
        m_awaitedAccount.clear();
        // An accepted profile whose URL changed before its secret had been read moves it now.
        if (!secret.isEmpty() && m_chosen.apiUrl != account) {
            m_secrets->save(m_chosen.apiUrl, secret);
            if (!accountInUse(account))
                m_secrets->remove(account);
        }
        emit secretReady(m_chosen, secret);
    }
}

void ConnectionDialog::onKeychainUnavailable(const QString &reason)
{
    setKeychainUnavailable(reason);
}

void ConnectionDialog::setKeychainUnavailable(const QString &reason)
{
    m_keychainText->setText(reason);
    m_keychainRow->show();
}

QString ConnectionDialog::keychainMessage() const
{
    return m_keychainRow->isHidden() ? QString() : m_keychainText->text();
}

void ConnectionDialog::removeCurrent()
{
    const int row = m_row;
    if (row < 0 || row >= m_entries.size())
        return;
    const Entry gone = m_entries.takeAt(row);
    if (!gone.storedUrl.isEmpty())
        m_removedAccounts.append(gone.storedUrl);
    m_row = -1; // the list's signal below must not write the form into another entry
    delete m_list->takeItem(row);
    showEntry(m_list->currentRow());
}

void ConnectionDialog::browseFile()
{
    auto *dialog = new QFileDialog(this, tr("Events File"), m_file->text());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setOption(QFileDialog::DontUseNativeDialog, !m_nativeFileDialog);
    dialog->setNameFilters({tr("Events (*.json *.ndjson *.jsonl)"), tr("All files (*)")});
    connect(dialog, &QFileDialog::fileSelected, m_file, &QLineEdit::setText);
    dialog->open();
}

QString ConnectionDialog::validate(int *badRow) const
{
    if (m_entries.isEmpty()) {
        *badRow = -1;
        return tr("Add a connection first.");
    }
    for (int i = 0; i < m_entries.size(); ++i) {
        *badRow = i;
        const ConnectionProfile &p = m_entries.at(i).profile;
        if (p.name.isEmpty())
            return tr("Every connection needs a name.");
        if (uniqueName(p.name, i) != p.name)
            return tr("Two connections are named “%1”.").arg(p.name);
        if (const QString problem = p.problem(); !problem.isEmpty())
            return problem;
    }
    *badRow = -1;
    return {};
}

void ConnectionDialog::accept()
{
    readForm();
    int badRow = -1;
    const QString problem = validate(&badRow);
    if (!problem.isEmpty()) {
        if (badRow >= 0)
            m_list->setCurrentRow(badRow);
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QStringList stale = m_removedAccounts;
    for (Entry &e : m_entries) {
        const bool moved = !e.storedUrl.isEmpty() && e.storedUrl != e.profile.apiUrl;
        if (!e.profile.isRemote()) {
            if (!e.storedUrl.isEmpty())
                stale.append(e.storedUrl);
            e.storedUrl.clear();
            continue;
        }
        if (e.edited && e.secret.isEmpty())
            m_secrets->remove(e.profile.apiUrl);
        else if (e.edited || (moved && e.state == SecretState::Known && !e.secret.isEmpty()))
            m_secrets->save(e.profile.apiUrl, e.secret);
        // A secret still being read stays where it is, unless this is the chosen profile
        // (applySecret moves that one).
        if (moved && (e.state == SecretState::Known || e.edited))
            stale.append(e.storedUrl);
        if (e.state == SecretState::Known) {
            e.storedUrl = e.profile.apiUrl;
            e.edited = false;
        }
    }
    stale.removeDuplicates();
    for (const QString &account : std::as_const(stale)) {
        if (!accountInUse(account))
            m_secrets->remove(account);
    }
    m_removedAccounts.clear();

    m_chosen = selectedProfile();
    {
        QSettings settings;
        ConnectionProfile::saveProfiles(settings, profiles(), m_chosen.name);
        settings.sync();
    }
    const Entry *chosen = current();
    if (!m_chosen.isRemote() || chosen->state == SecretState::Known)
        emitSecretLater(m_chosen, m_chosen.isRemote() ? chosen->secret : QString());
    else
        m_awaitedAccount = chosen->storedUrl;
    QDialog::accept();
}

bool ConnectionDialog::accountInUse(const QString &account) const
{
    return std::any_of(m_entries.cbegin(), m_entries.cend(), [&](const Entry &e) {
        return e.profile.isRemote() && e.profile.apiUrl == account;
    });
}

void ConnectionDialog::emitSecretLater(const ConnectionProfile &profile, const QString &secret)
{
    QMetaObject::invokeMethod(
        this, [this, profile, secret] { emit secretReady(profile, secret); }, Qt::QueuedConnection);
}

void ConnectionDialog::testConnection()
{
    readForm();
    const Entry *e = current();
    if (!e || !e->profile.isRemote())
        return;
    m_test->setEnabled(false);
    m_testResult->setText(tr("Testing…"));
    updateRows();
    m_health->start(e->profile, e->secret);
}

void ConnectionDialog::onTestFinished(bool ok, const QString &message)
{
    m_test->setEnabled(true);
    m_testResult->setText(message);
    updateRows();
    emit testFinished(ok, message);
}

} // namespace ed::ui
