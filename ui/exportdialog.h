#pragma once

#include "core/eventfilter.h"
#include "core/exporter.h"
#include "ui/exportjob.h"

#include <QDialog>
#include <QList>
#include <QString>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace ed::ui {

/// Asks what to export (every event matching the feed's filter, or the selected rows), in
/// which format and where, then runs an ExportJob with a progress bar and Cancel. "All
/// matching" writes the same bytes as `eventdeck export` with the same filter. Closes itself
/// (accepted) once the file is written; Cancel during an export stops it and leaves no file.
class ExportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportDialog)

public:
    /// `selectedSeqs`: the selected rows' cache seqs in the feed's order (may be empty).
    ExportDialog(const QString &cachePath, const ed::EventFilter &filter,
                 const QList<qint64> &selectedSeqs, QWidget *parent = nullptr);
    ~ExportDialog() override;

    QString fileName() const;
    void setFileName(const QString &path);
    ed::ExportFormat format() const;
    void setFormat(ed::ExportFormat format);
    ExportScope scope() const;
    void setScope(ExportScope scope);
    /// Whether "Browse…" uses the platform's file dialog (default) or Qt's own widgets.
    void setNativeFileDialog(bool native) { m_nativeFileDialog = native; }
    ExportJob *job() const { return m_job; }

    /// What the Export button does: starts writing to fileName().
    void startExport();

public slots:
    /// While an export runs, cancels it first; the dialog closes once it has stopped.
    void reject() override;

private:
    void browse();
    void onFormatChanged();
    void onFileNameChanged();
    void onProgress(qint64 done, qint64 total);
    void onFinished(bool ok, const QString &error);
    void setRunning(bool running);

    ExportJob *m_job;
    qsizetype m_selectedCount;
    bool m_nativeFileDialog = true;
    bool m_closeWhenStopped = false;

    QRadioButton *m_matching;
    QRadioButton *m_selected;
    QComboBox *m_format;
    QLineEdit *m_path;
    QPushButton *m_browse;
    QProgressBar *m_progress;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QPushButton *m_export;
};

} // namespace ed::ui
