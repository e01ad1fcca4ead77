<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake/thanks.xsl - after a discovery-call request (GET
  /request-a-call/thanks).  It repeats nothing that was sent.

  View document: <request-thanks answer-days="2"/>
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="request-thanks" mode="title">Thank you</xsl:template>

  <xsl:template match="request-thanks" mode="content">
    <div class="panel narrow-form">
      <h1>Thank you</h1>
      <p class="lead">We have your request for a discovery call.</p>
      <h2>What happens next</h2>
      <ol>
        <li>Someone from the front desk contacts you within
          <xsl:value-of select="@answer-days"/> days to agree a time.</li>
        <li>On the call (about 15 minutes, free) a clinician listens and tells you honestly
          whether our program is likely to help.</li>
        <li>If it is a good fit, we send you a personal link to a short questionnaire
          about your health and your goals. If not, we suggest where to go instead.</li>
      </ol>
      <p class="muted small">If your pain suddenly gets much worse, or you lose control of
        your bladder or bowels, or feel numb between your legs, do not wait for us:
        seek urgent medical care now.</p>
    </div>
  </xsl:template>
</xsl:stylesheet>
