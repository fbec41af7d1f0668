using System.Data;
using System.Data.Common;

namespace Mtc.Cloud.Storage;

/// <summary>A transaction that releases a writer lock when it ends (commands run on <see cref="Inner"/>).</summary>
internal sealed class ReleasingTransaction(DbTransaction inner, SemaphoreSlim writer) : DbTransaction
{
    private int _released;

    public DbTransaction Inner => inner;

    public override IsolationLevel IsolationLevel => inner.IsolationLevel;

    protected override DbConnection? DbConnection => inner.Connection;

    public override void Commit() => inner.Commit();

    public override void Rollback() => inner.Rollback();

    public override Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);

    public override Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            Release();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        Release();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            writer.Release();
        }
    }
}
