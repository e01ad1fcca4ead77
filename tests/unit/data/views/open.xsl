<?xml version="1.0" encoding="UTF-8"?>
<!-- A view that declares no audience: anyone its route lets in. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:template match="/"><p>open</p></xsl:template>
</xsl:stylesheet>
