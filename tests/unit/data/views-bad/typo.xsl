<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinican?>
<!-- A misspelt audience must stop start-up, not open the view to all. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><p>typo</p></xsl:template>
</xsl:stylesheet>
