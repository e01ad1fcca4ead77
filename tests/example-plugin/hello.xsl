<?xml version="1.0" encoding="UTF-8"?>
<!-- hello.xsl: renders the example plugin's view
     <hello><greeting>..</greeting><name>..</name></hello>.
     Installed as views/hello/hello.xsl; the handler names it "hello/hello". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/hello">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <title>Hello</title>
        <link rel="stylesheet" href="/static/cairn.css"/>
      </head>
      <body>
        <main>
          <h1><xsl:value-of select="greeting"/>, <xsl:value-of select="name"/>!</h1>
          <p>This page comes from the example plugin, built out of Cairn's tree
            against the installed &lt;cairn/plugin.h&gt;.</p>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
