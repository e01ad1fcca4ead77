<?xml version="1.0" encoding="UTF-8"?>
<!--
  exercise/exercise-lib.xsl - what the exercise views share (included):
  an exercise's stick figure as inline SVG, from
    <drawing head-x= head-y=><stroke points=/>* <prop points=/>*</drawing>
  on the library's 120 x 80 grid, with the exercise's <description> as its
  text alternative; and the page's extra stylesheet.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:svg="http://www.w3.org/2000/svg"
                exclude-result-prefixes="svg">

  <xsl:template match="drawing" mode="figure">
    <svg xmlns="http://www.w3.org/2000/svg" class="ex-figure" role="img"
         viewBox="0 0 120 80" width="120" height="80">
      <title><xsl:value-of select="../description"/></title>
      <xsl:for-each select="prop">
        <polyline points="{@points}" fill="none" stroke="#8a8a8a" stroke-width="1.5"
                  stroke-linecap="round" stroke-linejoin="round"/>
      </xsl:for-each>
      <xsl:for-each select="stroke">
        <polyline points="{@points}" fill="none" stroke="currentColor" stroke-width="2.5"
                  stroke-linecap="round" stroke-linejoin="round"/>
      </xsl:for-each>
      <circle cx="{@head-x}" cy="{@head-y}" r="5" fill="none" stroke="currentColor"
              stroke-width="2.5"/>
    </svg>
  </xsl:template>

  <!-- The plugin's own rules, after the shared stylesheet. -->
  <xsl:template name="exercise-css">
    <link rel="stylesheet" href="/static/exercise.css"/>
  </xsl:template>

</xsl:stylesheet>
