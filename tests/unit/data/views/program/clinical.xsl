<?xml version="1.0" encoding="UTF-8"?>
<?cairn-audience clinician admin?>
<!-- A view of clinical detail: clinicians and the administrator only. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><p>clinical</p></xsl:template>
</xsl:stylesheet>
