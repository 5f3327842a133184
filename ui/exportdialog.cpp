#include "ui/exportdialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace ed::ui {

namespace {

constexpr int kProgressSteps = 1000; // QProgressBar counts in int; event totals may not fit

QString suffixOf(ExportFormat format)
{
    return format == ExportFormat::Json ? u"json"_s : u"ndjson"_s;
}

} // namespace

ExportDialog::ExportDialog(const QString &cachePath, const EventFilter &filter,
                           const QList<qint64> &selectedSeqs, QWidget *parent)
    : QDialog(parent)
    , m_job(new ExportJob(cachePath, filter, selectedSeqs, this))
    , m_selectedCount(selectedSeqs.size())
{
    setWindowTitle(tr("Export Events"));
    const QLocale locale;

    m_matching = new QRadioButton(tr("All events matching the current filter"), this);
    m_selected = new QRadioButton(m_selectedCount == 1
                                      ? tr("The selected event")
                                      : tr("The %1 selected events").arg(locale.toString(m_selectedCount)),
                                  this);
    m_selected->setEnabled(m_selectedCount > 0);
    (m_selectedCount > 1 ? m_selected : m_matching)->setChecked(true);
    auto *scopeBox = new QVBoxLayout;
    scopeBox->setSpacing(2);
    scopeBox->addWidget(m_matching);
    scopeBox->addWidget(m_selected);

    m_format = new QComboBox(this);
    m_format->addItem(tr("JSON array"), int(ExportFormat::Json));
    m_format->addItem(tr("NDJSON (one event per line)"), int(ExportFormat::Ndjson));

    m_path = new QLineEdit(this);
    m_path->setClearButtonEnabled(true);
    m_path->setMinimumWidth(m_path->fontMetrics().averageCharWidth() * 60);
    m_browse = new QPushButton(tr("Browse…"), this);
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_browse);

    auto *form = new QFormLayout;
    form->addRow(tr("Events:"), scopeBox);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Save to:"), pathRow);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, kProgressSteps);
    m_progress->setVisible(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_export = m_buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_export->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString stamp = QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    setFileName(QDir(dir.isEmpty() ? QDir::homePath() : dir)
                    .filePath(u"prefect-events-"_s + stamp + u".json"_s));

    connect(m_browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
    connect(m_path, &QLineEdit::textChanged, this, &ExportDialog::onFileNameChanged);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ExportDialog::startExport);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(m_job, &ExportJob::progress, this, &ExportDialog::onProgress);
    connect(m_job, &ExportJob::finished, this, &ExportDialog::onFinished);
    onFileNameChanged();
}

ExportDialog::~ExportDialog() = default;

QString ExportDialog::fileName() const
{
    return m_path->text().trimmed();
}

void ExportDialog::setFileName(const QString &path)
{
    m_path->setText(QDir::toNativeSeparators(path));
}

ExportFormat ExportDialog::format() const
{
    return ExportFormat(m_format->currentData().toInt());
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

ExportScope ExportDialog::scope() const
{
    return m_selected->isChecked() ? ExportScope::Selected : ExportScope::Matching;
}

void ExportDialog::setScope(ExportScope scope)
{
    if (scope == ExportScope::Selected && m_selected->isEnabled())
        m_selected->setChecked(true);
    else
        m_matching->setChecked(true);
}

void ExportDialog::browse()
{
    const QFileInfo current(fileName());
    auto *dialog = new QFileDialog(this, tr("Export Events"), current.absolutePath());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setOption(QFileDialog::DontUseNativeDialog, !m_nativeFileDialog);
    const QStringList filters{tr("JSON (*.json)"), tr("NDJSON (*.ndjson *.jsonl)"),
                              tr("All files (*)")};
    dialog->setNameFilters(filters);
    dialog->selectNameFilter(filters.at(format() == ExportFormat::Json ? 0 : 1));
    dialog->setDefaultSuffix(suffixOf(format()));
    dialog->selectFile(current.fileName());
    connect(dialog, &QFileDialog::fileSelected, this, &ExportDialog::setFileName);
    dialog->open();
}

void ExportDialog::onFormatChanged()
{
    // Keep the file's suffix in step with the format, unless the user chose another suffix.
    const QString path = fileName();
    const QString wanted = suffixOf(format());
    const QString other = suffixOf(format() == ExportFormat::Json ? ExportFormat::Ndjson
                                                                  : ExportFormat::Json);
    if (path.endsWith(u'.' + other, Qt::CaseInsensitive))
        setFileName(path.left(path.size() - other.size()) + wanted);
}

void ExportDialog::onFileNameChanged()
{
    const QString path = fileName();
    m_export->setEnabled(!path.isEmpty() && !m_job->isRunning());
    if (m_job->isRunning())
        return;
    const QFileInfo info(path);
    m_status->setText(!path.isEmpty() && info.exists()
                          ? (info.isDir() ? tr("This is a folder; choose a file name.")
                                          : tr("The file exists and will be replaced."))
                          : QString());
    if (info.isDir())
        m_export->setEnabled(false);
}

void ExportDialog::startExport()
{
    const QString path = fileName();
    if (path.isEmpty() || m_job->isRunning())
        return;
    if (!m_job->start(QDir::fromNativeSeparators(path), format(), scope()))
        return;
    m_progress->setValue(0);
    m_progress->setFormat(tr("Counting…"));
    m_status->setText(tr("Exporting to %1").arg(QDir::toNativeSeparators(path)));
    setRunning(true);
}

void ExportDialog::reject()
{
    if (m_job->isRunning()) {
        m_closeWhenStopped = true;
        m_status->setText(tr("Cancelling…"));
        m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(false);
        m_job->cancel();
        return;
    }
    QDialog::reject();
}

void ExportDialog::onProgress(qint64 done, qint64 total)
{
    const QLocale locale;
    m_progress->setValue(total > 0 ? int(done * kProgressSteps / total) : kProgressSteps);
    m_progress->setFormat(tr("%1 of %2 events").arg(locale.toString(done), locale.toString(total)));
}

void ExportDialog::onFinished(bool ok, const QString &error)
{
    setRunning(false);
    if (m_closeWhenStopped) {
        m_closeWhenStopped = false;
        QDialog::reject();
        return;
    }
    if (ok) {
        accept();
        return;
    }
    m_progress->setVisible(false);
    m_status->setText(tr("Export failed: %1").arg(error));
}

void ExportDialog::setRunning(bool running)
{
    m_matching->setEnabled(!running);
    m_selected->setEnabled(!running && m_selectedCount > 0);
    m_format->setEnabled(!running);
    m_path->setEnabled(!running);
    m_browse->setEnabled(!running);
    m_export->setEnabled(!running && !fileName().isEmpty());
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(true);
    if (running)
        m_progress->setVisible(true);
}

} // namespace ed::ui
