namespace Mtc.Core.Shdr;

/// <summary>How many fields follow a key on an SHDR line, and what they mean.</summary>
public enum ShdrItemKind
{
    /// <summary>One field: a sample or event value.</summary>
    Value,

    /// <summary>Five fields: level, nativeCode[:conditionId], nativeSeverity, qualifier, message.</summary>
    Condition,

    /// <summary>Two fields: nativeCode, text (MESSAGE events).</summary>
    Message,

    /// <summary>Three fields: sample count, sample rate, space-separated values.</summary>
    TimeSeries,

    /// <summary>One field of <c>key=value</c> pairs.</summary>
    DataSet,

    /// <summary>One field of <c>row={cell=value ...}</c> pairs.</summary>
    Table,

    /// <summary>Five fields: code, nativeCode, severity, state, text (the ALARM events of 1.x devices).</summary>
    Alarm,

    /// <summary>The resolver does not know the key; its value is read as one field.</summary>
    Unknown,
}
