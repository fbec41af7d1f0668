using Mtc.Core.Model;

namespace Mtc.Core.Shdr;

internal static class ShdrConditionLevels
{
    public static bool TryParse(ReadOnlySpan<char> text, out ConditionLevel level)
    {
        if (text.Equals("normal", StringComparison.OrdinalIgnoreCase))
        {
            level = ConditionLevel.Normal;
        }
        else if (text.Equals("warning", StringComparison.OrdinalIgnoreCase))
        {
            level = ConditionLevel.Warning;
        }
        else if (text.Equals("fault", StringComparison.OrdinalIgnoreCase))
        {
            level = ConditionLevel.Fault;
        }
        else if (text.Equals("unavailable", StringComparison.OrdinalIgnoreCase))
        {
            level = ConditionLevel.Unavailable;
        }
        else
        {
            level = default;
            return false;
        }

        return true;
    }
}
