using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;

namespace Mtc.Cloud.Alerts;

/// <summary>Evaluates the rules every <see cref="AlertOptions.EvaluationSeconds"/>; a failed round is logged and the next one runs.</summary>
internal sealed class AlertEvaluationService(AlertEvaluator evaluator, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertEvaluationService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.EvaluationSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await evaluator.EvaluateAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.AlertRoundFailed(log, e);
            }
        }
    }
}
